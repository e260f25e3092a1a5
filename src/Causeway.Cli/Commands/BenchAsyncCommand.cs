using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Causeway.Federation.Configuration;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench async</c>: wall time to a target accuracy, synchronous rounds against asynchronous buffered aggregation, with slow parties.</summary>
internal static class BenchAsyncCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new AsyncBench.Settings { WorkDirectory = Path.Combine(".causeway", "bench-async") };
        var parties = new Option<int>("--parties") { Description = "Party processes.", DefaultValueFactory = _ => defaults.Parties, HelpName = "N" };
        var slowFraction = new Option<double>("--slow-fraction") { Description = "Share of the parties that train slowly.", DefaultValueFactory = _ => defaults.SlowFraction };
        var slowdown = new Option<double>("--slowdown") { Description = "How many times as slow the slow parties train (the party's --slowdown test knob).", DefaultValueFactory = _ => defaults.Slowdown, HelpName = "F" };
        var target = new Option<double>("--target-accuracy") { Description = "The test accuracy both modes race to.", DefaultValueFactory = _ => defaults.TargetAccuracy };
        var buffer = new Option<int?>("--buffer-size") { Description = "K, updates per async server step (default: half the parties, rounded up).", HelpName = "K" };
        var updates = new Option<int>("--updates") { Description = "Accepted updates each mode may aggregate (sync: U/N rounds, async: U/K buffers).", DefaultValueFactory = _ => defaults.Updates, HelpName = "U" };
        var epochs = new Option<int>("--epochs") { Description = "Local epochs per training task.", DefaultValueFactory = _ => defaults.Epochs };
        var workDirectory = new Option<DirectoryInfo>("--work-dir")
        {
            Description = "Where each federation gets a fresh sub-folder (certificates, data, logs, database), removed after a successful run.",
            DefaultValueFactory = _ => new DirectoryInfo(defaults.WorkDirectory),
            HelpName = "DIR",
        };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command(
            "async",
            "Sync rounds vs async buffered aggregation (FedBuff) with slow parties: 1 coordinator + N party processes (HTTP/2 + TLS), an MLP on the 8x8 digits, wall time to a target test accuracy and the ratio.")
        {
            parties, slowFraction, slowdown, target, buffer, updates, epochs, workDirectory, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                Parties = parse.GetValue(parties),
                SlowFraction = parse.GetValue(slowFraction),
                Slowdown = parse.GetValue(slowdown),
                TargetAccuracy = parse.GetValue(target),
                BufferSize = parse.GetValue(buffer),
                Updates = parse.GetValue(updates),
                Epochs = parse.GetValue(epochs),
                Seed = parse.GetValue(seed),
                WorkDirectory = parse.GetValue(workDirectory)!.FullName,
            };
            if (settings.Problem() is { } problem)
            {
                Console.Error.WriteLine($"bench async: {problem}.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            var results = new List<AsyncBench.ModeResult>();
            try
            {
                await BenchProgress.StartAsync(async progress =>
                {
                    foreach (var mode in new[] { UpdateMode.Sync, UpdateMode.Async })
                    {
                        results.Add(await AsyncBench.RunAsync(settings, mode, progress, cancellationToken));
                    }
                });
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                Console.Error.WriteLine($"bench async: {e.Message}");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            var (sync, async) = (results[0].SecondsToTarget(settings.TargetAccuracy), results[1].SecondsToTarget(settings.TargetAccuracy));
            double? ratio = sync is { } s && async is { } a && a > 0 ? s / a : null;
            Write(settings, results, ratio, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("async", loadBefore, loadAfter, new JsonObject
                {
                    ["task"] = "8x8 digits, stratified 80/20, IID over N party processes; MLP 128-128, SGD lr 0.05, batch 32; the last round(slow fraction × N) parties slowed with --slowdown; test accuracy of every stored checkpoint scored by the bench",
                    ["parties"] = settings.Parties,
                    ["slow_parties"] = settings.SlowParties,
                    ["slowdown"] = settings.Slowdown,
                    ["target_accuracy"] = settings.TargetAccuracy,
                    ["buffer_size"] = settings.EffectiveBufferSize,
                    ["updates_budget"] = settings.Updates,
                    ["sync_config"] = JsonNode.Parse(AsyncBench.Config(settings, UpdateMode.Sync).ToJson()),
                    ["async_config"] = JsonNode.Parse(AsyncBench.Config(settings, UpdateMode.Async).ToJson()),
                    ["sync_over_async_time_to_target"] = ratio,
                    ["results"] = new JsonArray([.. results.Select(r => (JsonNode)r.ToJson(settings.TargetAccuracy))]),
                }));
            }

            return results.Any(r => r.SecondsToTarget(settings.TargetAccuracy) is null) ? 1 : 0;
        });
        return command;
    }

    private static void Write(AsyncBench.Settings settings, IReadOnlyList<AsyncBench.ModeResult> results, double? ratio, string? loadBefore, string? loadAfter)
    {
        var target = settings.TargetAccuracy;
        var table = new Table()
            .Title(string.Create(Invariant, $"Time to {target:P1} test accuracy: {settings.Parties} party processes, {settings.SlowParties} of them {settings.Slowdown:G3}x slower, MLP on the 8x8 digits"))
            .AddColumns("mode", "rounds", "s to target", "rounds to target", "updates to target", "final accuracy", "total s", "mean / max staleness", "stale refused");
        foreach (var r in results)
        {
            table.AddRow(
                r.Mode == "async" ? $"async (K = {settings.EffectiveBufferSize})" : "sync",
                r.Rounds.ToString(Invariant),
                r.SecondsToTarget(target)?.ToString("F1", Invariant) ?? "not reached",
                (r.RoundToTarget(target) + 1)?.ToString(Invariant) ?? "-",
                r.RoundToTarget(target) is { } i ? r.Updates[i].ToString(Invariant) : "-",
                r.Accuracy.Count > 0 ? r.Accuracy[^1].ToString("F4", Invariant) : "-",
                r.Seconds.Count > 0 ? r.Seconds[^1].ToString("F1", Invariant) : "-",
                string.Create(Invariant, $"{r.MeanStaleness:F2} / {r.MaxStaleness}"),
                r.StaleRefused.ToString(Invariant));
        }

        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(ratio is { } x
            ? string.Create(Invariant, $"async reaches {target:P1} in {1 / x:P0} of sync's wall time (sync / async = {x:F2})")
            : "a mode did not reach the target: raise --updates or lower --target-accuracy"));
        AnsiConsole.MarkupLine(Markup.Escape($"load average before / after: {loadBefore ?? "-"} / {loadAfter ?? "-"}"));
    }
}
