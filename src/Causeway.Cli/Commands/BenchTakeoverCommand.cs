using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway bench takeover</c>: how long a standby takes to replace a SIGKILLed coordinator, on SQLite or PostgreSQL.
/// Two coordinator processes share one store, the four UCI heart disease hospitals run as party processes given both
/// addresses, and the active coordinator is killed every few rounds (then started again as the next standby).
/// </summary>
internal static class BenchTakeoverCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var postgres = new Option<string?>("--postgres")
        {
            Description = "PostgreSQL connection string of an empty database for the coordinators' store (default: a SQLite file in the work folder).",
            HelpName = "CONNECTION",
        };
        var kills = new Option<int>("--kills") { Description = "How many times the active coordinator is SIGKILLed, two rounds apart.", DefaultValueFactory = _ => 5 };
        var epochs = new Option<int>("--epochs") { Description = "Local epochs per round (they set how long a round, and the interrupted round run again, takes).", DefaultValueFactory = _ => 1000 };
        var workDirectory = new Option<DirectoryInfo>("--work-dir")
        {
            Description = "Where the federation gets a fresh sub-folder (certificates, data, logs, database), removed after a successful measurement.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".causeway", "bench-takeover")),
            HelpName = "DIR",
        };
        var report = CliOptions.Report();
        var command = new Command(
            "takeover",
            "Standby takeover time: 2 coordinators on one store (SQLite, or PostgreSQL with --postgres), 4 party processes given both addresses; the active coordinator is SIGKILLed mid-run, repeatedly.")
        {
            postgres, kills, epochs, workDirectory, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var killCount = parse.GetValue(kills);
            // Rounds go on while a killed coordinator restarts as the next standby: leave plenty after the last kill.
            var settings = new TakeoverDrill.Settings { Kills = killCount, Rounds = (8 * killCount) + 8, Epochs = parse.GetValue(epochs) };
            if (killCount is < 1 or > 100 || settings.Epochs is < 1 or > 100_000)
            {
                Console.Error.WriteLine("bench takeover: --kills takes 1 to 100, --epochs 1 to 100000.");
                return 2;
            }

            var store = parse.GetValue(postgres) is null ? "sqlite" : "postgres";
            var work = Path.Combine(parse.GetValue(workDirectory)!.FullName, string.Create(Invariant, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{store}"));
            Directory.CreateDirectory(work);
            var loadBefore = LoadAverage.Read();
            TakeoverDrill.Result result;
            try
            {
                var islands = DemoDatasets.Prepare("heart", DemoDatasets.LocateSamples(), work, seed: 11);
                using var federation = await FailoverFederation.StartAsync(
                    new FailoverFederation.Options
                    {
                        WorkDirectory = work,
                        Parties = [.. islands.Parties.Select(p => LocalFederation.Party.Horizontal(p, islands.SchemaPath))],
                        Postgres = parse.GetValue(postgres),
                    },
                    cancellationToken);
                AnsiConsole.MarkupLine(Markup.Escape(
                    $"{store}: coordinators at {string.Join(" and ", federation.Addresses)}, {federation.Parties.Count} parties, {settings.Rounds} rounds, a kill every {settings.RoundsBetweenKills} rounds"));
                result = await TakeoverDrill.RunAsync(federation, settings, kill => AnsiConsole.MarkupLine(Markup.Escape(Describe(kill))), cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                Console.Error.WriteLine($"bench takeover: {e.Message} (work folder kept: {work})");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            Write(store, result, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("takeover", loadBefore, loadAfter, ToJson(store, settings, result)));
            }

            Directory.Delete(work, recursive: true);
            return 0;
        });
        return command;
    }

    private static string Describe(TakeoverDrill.Kill kill) => string.Create(
        Invariant,
        $"kill after round {kill.ClosedBeforeKill}: lease {kill.Takeover.LeaseSeconds:F2} s, listening {(kill.Takeover.ListeningAt - kill.Takeover.KilledAt).TotalSeconds:F2} s, serving {kill.Takeover.ServingSeconds:F2} s, next round closed {kill.NextRoundSeconds:F2} s");

    private static void Write(string store, TakeoverDrill.Result result, string? loadBefore, string? loadAfter)
    {
        var serving = result.Kills.Select(k => k.Takeover.ServingSeconds).ToList();
        var next = result.Kills.Select(k => k.NextRoundSeconds).ToList();
        var table = new Table()
            .Title($"Standby takeover on {store}: seconds from SIGKILL of the active coordinator")
            .AddColumns("", "lease taken", "serving (control API answers)", "next round closed");
        table.AddRow(
            "median",
            Quantiles.Median(result.Kills.Select(k => k.Takeover.LeaseSeconds)).ToString("F2", Invariant),
            Quantiles.Median(serving).ToString("F2", Invariant),
            Quantiles.Median(next).ToString("F2", Invariant));
        table.AddRow(
            "max",
            result.Kills.Max(k => k.Takeover.LeaseSeconds).ToString("F2", Invariant),
            serving.Max().ToString("F2", Invariant),
            next.Max().ToString("F2", Invariant));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(Invariant, $"a round without a kill: {Quantiles.Median(result.RoundIntervals()):F2} s (median interval between round closes)")));
        var rounds = result.Run["rounds"]?.AsArray().Select(r => r!["round"]!.GetValue<int>()).ToList() ?? [];
        AnsiConsole.MarkupLine(Markup.Escape(
            $"run {result.RunId}: {result.Run["run"]?["state"]}, rounds {string.Join(",", rounds)} ({rounds.Count} closed, {rounds.Distinct().Count()} distinct)"));
        AnsiConsole.MarkupLine(Markup.Escape($"load average before / after: {loadBefore ?? "-"} / {loadAfter ?? "-"}"));
    }

    private static JsonObject ToJson(string store, TakeoverDrill.Settings settings, TakeoverDrill.Result result)
    {
        var rounds = result.Run["rounds"]?.AsArray().Select(r => r!["round"]!.GetValue<int>()).ToList() ?? [];
        JsonObject Figures(IEnumerable<double> values)
        {
            var list = values.ToList();
            return new JsonObject { ["median"] = Quantiles.Median(list), ["max"] = list.Max() };
        }

        return new JsonObject
        {
            ["store"] = store,
            ["config"] = JsonNode.Parse(TakeoverDrill.Config(settings, 4)),
            ["kills"] = new JsonArray([.. result.Kills.Select(k => (JsonNode)new JsonObject
            {
                ["closed_before_kill"] = k.ClosedBeforeKill,
                ["lease_seconds"] = k.Takeover.LeaseSeconds,
                ["listening_seconds"] = (k.Takeover.ListeningAt - k.Takeover.KilledAt).TotalSeconds,
                ["serving_seconds"] = k.Takeover.ServingSeconds,
                ["next_round_seconds"] = k.NextRoundSeconds,
            })]),
            ["lease_seconds"] = Figures(result.Kills.Select(k => k.Takeover.LeaseSeconds)),
            ["serving_seconds"] = Figures(result.Kills.Select(k => k.Takeover.ServingSeconds)),
            ["next_round_seconds"] = Figures(result.Kills.Select(k => k.NextRoundSeconds)),
            ["median_round_seconds"] = Quantiles.Median(result.RoundIntervals()),
            ["run_state"] = result.Run["run"]?["state"]?.GetValue<string>(),
            ["rounds_closed"] = rounds.Count,
            ["duplicate_rounds"] = rounds.Count - rounds.Distinct().Count(),
            ["missing_rounds"] = settings.Rounds - rounds.Distinct().Count(),
        };
    }
}
