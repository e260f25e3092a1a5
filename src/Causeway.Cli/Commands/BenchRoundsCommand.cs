using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench rounds</c>: what a network round costs per party (CPU, time, memory) at several federation sizes.</summary>
internal static class BenchRoundsCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new RoundsBench.Settings { WorkDirectory = Path.Combine(".causeway", "bench-rounds") };
        var parties = new Option<int[]>("--parties")
        {
            Description = "Federation sizes to measure, one after the other (party processes).",
            DefaultValueFactory = _ => [.. defaults.Parties],
            AllowMultipleArgumentsPerToken = true,
            HelpName = "N",
        };
        var rounds = new Option<int>("--rounds") { Description = "Rounds per run; round 1 (warm-up) is not in the figures.", DefaultValueFactory = _ => defaults.Rounds };
        var idle = new Option<double>("--idle-seconds") { Description = "Seconds of the idle measurement (all parties joined, no run).", DefaultValueFactory = _ => defaults.IdleSeconds };
        var workDirectory = new Option<DirectoryInfo>("--work-dir")
        {
            Description = "Where each federation gets a fresh sub-folder (certificates, data, logs, database), removed after a successful measurement.",
            DefaultValueFactory = _ => new DirectoryInfo(defaults.WorkDirectory),
            HelpName = "DIR",
        };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command("rounds", "Per-party cost of a network round: 1 coordinator + N party processes (HTTP/2 + TLS), softmax on the 8x8 digits, CPU and memory from /proc.")
        {
            parties, rounds, idle, workDirectory, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                Parties = parse.GetValue(parties)!,
                Rounds = parse.GetValue(rounds),
                IdleSeconds = parse.GetValue(idle),
                Seed = parse.GetValue(seed),
                WorkDirectory = parse.GetValue(workDirectory)!.FullName,
            };
            if (settings.Parties.Count == 0 || settings.Parties.Any(n => n is < 1 or > 500) || settings.Rounds < 3 || settings.IdleSeconds is < 1 or > 3600)
            {
                Console.Error.WriteLine("bench rounds: --parties takes sizes from 1 to 500, --rounds >= 3 and --idle-seconds from 1 to 3600.");
                return 2;
            }

            if (!File.Exists("/proc/self/stat"))
            {
                Console.Error.WriteLine("bench rounds: needs Linux's /proc to read the processes' CPU time and memory.");
                return 1;
            }

            var loadBefore = LoadAverage.Read();
            var results = new List<RoundsBench.Result>();
            try
            {
                await BenchProgress.StartAsync(async progress =>
                {
                    foreach (var n in settings.Parties)
                    {
                        results.Add(await RoundsBench.RunAsync(settings, n, progress, cancellationToken));
                    }
                });
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                Console.Error.WriteLine($"bench rounds: {e.Message}");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            Write(settings, results, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("rounds", loadBefore, loadAfter, new JsonObject
                {
                    ["task"] = "8x8 digits, stratified 80/20, IID over N party processes; softmax regression, SGD lr 0.5, batch 32, 1 local epoch, all parties every round, federated evaluation every round",
                    ["config"] = JsonNode.Parse(RoundsBench.Config(settings, settings.Parties[0]).ToJson()),
                    ["idle_seconds"] = settings.IdleSeconds,
                    ["results"] = new JsonArray([.. results.Select(r => (JsonNode)r.ToJson())]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static void Write(RoundsBench.Settings settings, IReadOnlyList<RoundsBench.Result> results, string? loadBefore, string? loadAfter)
    {
        var table = new Table()
            .Title($"Network rounds: softmax on the 8x8 digits, rounds 2–{settings.Rounds}, coordinator + N party processes on loopback")
            .AddColumns("N", "s/round", "CPU ms per party-round", "of which coordinator", "party RSS / PSS MB", "coordinator RSS MB", "idle cores", "accuracy");
        foreach (var r in results)
        {
            table.AddRow(
                r.Parties.ToString(Invariant),
                r.SteadyRoundSeconds.ToString("F4", Invariant),
                r.CpuMsPerPartyRound.ToString("F2", Invariant),
                r.CoordinatorCpuMsPerPartyRound.ToString("F2", Invariant),
                string.Create(Invariant, $"{r.PartyRssMb:F0} / {r.PartyPssMb:F0}"),
                (r.Coordinator.RssBytes / 1e6).ToString("F0", Invariant),
                r.IdleCpuCores.ToString("F4", Invariant),
                r.FinalAccuracy?.ToString("F4", Invariant) ?? "-");
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape($"load average before / after: {loadBefore ?? "-"} / {loadAfter ?? "-"}"));
    }
}
