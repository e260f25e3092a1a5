using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Federation.Configuration;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway bench network</c>: coordinator overhead per round in a real multi-process federation on loopback, and the
/// serialisation throughput of the same model's parameter sets.
/// </summary>
internal static class BenchNetworkCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new NetworkBench.Settings { WorkDirectory = Path.Combine(".causeway", "bench-network") };
        var parties = new Option<int>("--parties") { Description = "Party processes.", DefaultValueFactory = _ => defaults.Parties };
        var rounds = new Option<int>("--rounds") { Description = "Rounds (round 1, the warm-up, is not in the statistics).", DefaultValueFactory = _ => defaults.Rounds };
        var rows = new Option<int>("--rows") { Description = "UCI Adult training rows per party.", DefaultValueFactory = _ => defaults.RowsPerParty };
        var repetitions = new Option<int>("--repetitions") { Description = "Timed repetitions of each serialisation path (the best is reported).", DefaultValueFactory = _ => 20 };
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = "Where the bench writes certificates, party files, logs and the database: a new or empty folder, or one an earlier bench made "
                + $"(marked by {WorkFolder.MarkerFile}; emptied first). Default: a new folder under {defaults.WorkDirectory}/ for every run.",
            HelpName = "DIR",
        };
        var secagg = new Option<bool>("--secagg") { Description = "Run every round with secure aggregation (threshold: a majority of the parties), to compare with a plain run." };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command("network", "Real multi-process federation on loopback: coordinator overhead per round (10 parties, ~1M-parameter MLP) and parameter-set serialisation MB/s.")
        {
            parties, rounds, rows, repetitions, workDirectory, secagg, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                Parties = parse.GetValue(parties),
                Rounds = parse.GetValue(rounds),
                RowsPerParty = parse.GetValue(rows),
                Seed = parse.GetValue(seed),
                Protection = parse.GetValue(secagg) ? new ProtectionConfig { Kind = ProtectionKind.SecAgg } : null,
            };
            var reps = parse.GetValue(repetitions);
            if (settings.Parties < 1 || settings.Rounds < 3 || settings.RowsPerParty < 4 || reps < 1)
            {
                Console.Error.WriteLine("bench network: --parties >= 1, --rounds >= 3, --rows >= 4 and --repetitions >= 1 are required.");
                return 2;
            }

            using var work = parse.GetValue(workDirectory) is { } named
                ? WorkFolder.Claim(named.FullName, "--work-dir", "causeway bench network")
                : WorkFolder.CreateUnique(defaults.WorkDirectory, "causeway bench network", TimeProvider.System);
            settings = settings with { WorkDirectory = work.Path };

            var loadBefore = LoadAverage.Read();
            var config = NetworkBench.Config(settings, Path.Combine(DemoDatasets.LocateSamples(), "adult", "schema.json"));
            var spec = NetworkBench.Spec(config, config.Data.Schema!);
            SerializationBench.Result serialization = null!;
            NetworkBench.Result network = null!;
            try
            {
                await BenchProgress.StartAsync(async progress =>
                {
                    var codec = progress.AddTask($"serialisation, best of {reps}", maxValue: 1);
                    serialization = SerializationBench.Run(spec, reps, settings.Seed);
                    codec.Value = 1;
                    network = await NetworkBench.RunAsync(settings, progress, cancellationToken);
                });
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException)
            {
                Console.Error.WriteLine($"bench network: {e.Message}");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            Write(network, serialization, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("network", loadBefore, loadAfter, new JsonObject
                {
                    ["federation"] = network.ToJson(),
                    ["serialization"] = new JsonObject
                    {
                        ["parameters"] = serialization.Parameters,
                        ["message_bytes"] = serialization.MessageBytes,
                        ["repetitions"] = serialization.Repetitions,
                        ["encode_mb_per_s"] = serialization.EncodeMBps,
                        ["decode_mb_per_s"] = serialization.DecodeMBps,
                        ["memcpy_mb_per_s"] = serialization.MemcpyMBps,
                        ["encode_vs_memcpy"] = serialization.EncodeRatio,
                        ["decode_vs_memcpy"] = serialization.DecodeRatio,
                    },
                }));
            }

            return 0;
        });
        return command;
    }

    private static void Write(NetworkBench.Result network, SerializationBench.Result serialization, string? loadBefore, string? loadAfter)
    {
        var s = network.Settings;
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(
            Invariant,
            $"model: mlp {string.Join('-', s.Hidden)} on UCI Adult, {network.Parameters:N0} parameters ({network.Parameters * 4 / 1e6:F2} MB as float32)")));
        var protection = s.Protection is null ? "plain rounds" : $"protection {s.Protection.Kind.ToString().ToLowerInvariant()}";
        var table = new Table().Title(string.Create(Invariant, $"Loopback federation ({protection}): {s.Parties} party processes, E=1, {s.RowsPerParty} rows each, rounds {string.Join(',', network.Measured.Select(r => r.Number))} measured"))
            .AddColumns("measure", "value");
        table.AddRow("median overhead per round (round − slowest party's training)", Seconds(network.MedianOverhead));
        table.AddRow("p90 overhead per round", Seconds(network.P90Overhead));
        table.AddRow("median round time (coordinator)", Seconds(network.MedianRoundSeconds));
        table.AddRow("median slowest party's local training", Seconds(network.MedianSlowestPartySeconds));
        table.AddRow("median time between round closes (incl. checkpoint)", Seconds(network.MedianIntervalSeconds));
        table.AddRow("update bytes received per round", string.Create(Invariant, $"{network.BytesPerRound / 1e6:F1} MB"));
        table.AddRow("coordinator RSS after the run / peak", string.Create(Invariant, $"{network.CoordinatorRssBytes / 1e6:F0} / {network.CoordinatorPeakRssBytes / 1e6:F0} MB"));
        table.AddRow("encode MB/s (party: ToProto + WriteTo)", string.Create(Invariant, $"{serialization.EncodeMBps:F0} ({serialization.EncodeRatio:P0} of memcpy)"));
        table.AddRow("decode MB/s (coordinator: PushResult from a stream)", string.Create(Invariant, $"{serialization.DecodeMBps:F0} ({serialization.DecodeRatio:P0} of memcpy)"));
        table.AddRow("memcpy MB/s (same bytes)", string.Create(Invariant, $"{serialization.MemcpyMBps:F0}"));
        table.AddRow("load average before / after", Markup.Escape($"{loadBefore ?? "-"} / {loadAfter ?? "-"}"));
        AnsiConsole.Write(table);
    }

    private static string Seconds(double value) => double.IsNaN(value) ? "-" : value.ToString("F3", Invariant) + " s";
}
