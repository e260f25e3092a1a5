using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway bench faults</c>: real federations (two coordinator processes on one store, the four UCI heart disease
/// hospitals as party processes) under seeded faults — coordinator, standby and party kills, a degraded and a cut network
/// link, hostile input — and what they did to the runs: rounds lost or duplicated, processes crashed, takeover times,
/// coordinator memory (<see cref="FaultDrill"/>).
/// </summary>
internal static class BenchFaultsCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var runs = new Option<int>("--runs") { Description = "How many federations to run, each with its own seeded schedule of faults.", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "The first run's seed; run i uses seed + i.", DefaultValueFactory = _ => 1 };
        var postgres = new Option<string?>("--postgres")
        {
            Description = "PostgreSQL connection string of a database for the coordinators' store (default: a SQLite file per run in the work folder).",
            HelpName = "CONNECTION",
        };
        var noNetwork = new Option<bool>("--no-network") { Description = "Inject no network faults (no network namespace is created)." };
        var epochs = new Option<int>("--epochs") { Description = "Local epochs per round (they set how long a round takes).", DefaultValueFactory = _ => 4000 };
        var workDirectory = new Option<DirectoryInfo>("--work-dir")
        {
            Description = "Where each run gets a fresh sub-folder (certificates, data, logs, database), removed after a clean run and kept otherwise.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(".causeway", "bench-faults")),
            HelpName = "DIR",
        };
        var report = CliOptions.Report();
        var command = new Command(
            "faults",
            "Fault suite: federations with a standby coordinator under seeded kills of coordinators and parties, network faults (delay, loss, a cut link; needs root for network namespaces) and hostile input; counts lost and duplicated rounds, crashes and takeover times.")
        {
            runs, seed, postgres, noNetwork, epochs, workDirectory, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var runCount = parse.GetValue(runs);
            var firstSeed = parse.GetValue(seed);
            var epochCount = parse.GetValue(epochs);
            if (runCount is < 1 or > 1000 || epochCount is < 1 or > 100_000)
            {
                Console.Error.WriteLine("bench faults: --runs takes 1 to 1000, --epochs 1 to 100000.");
                return 2;
            }

            var parent = parse.GetValue(workDirectory)!.FullName;
            FaultyLink? link = null;
            string? networkSkipped = "--no-network";
            if (!parse.GetValue(noNetwork))
            {
                link = FaultyLink.TryCreateOwn("cwf", out networkSkipped);
                if (link is null)
                {
                    AnsiConsole.MarkupLine(Markup.Escape($"bench faults: network faults skipped: {networkSkipped}. Run as root (CAP_NET_ADMIN) with iproute2 to include them."));
                }
            }

            var loadBefore = LoadAverage.Read();
            var results = new List<FaultDrill.Result>();
            try
            {
                for (var i = 0; i < runCount; i++)
                {
                    var settings = new FaultDrill.Settings { Seed = firstSeed + i, Epochs = epochCount };
                    var result = await RunOnceAsync(parent, parse.GetValue(postgres), link, settings, i + 1, runCount, cancellationToken);
                    results.Add(result);
                }
            }
            finally
            {
                link?.Dispose();
            }

            var loadAfter = LoadAverage.Read();
            Write(results, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("faults", loadBefore, loadAfter, ToJson(results, parse.GetValue(postgres) is null ? "sqlite" : "postgres", link is null ? networkSkipped : null)));
            }

            return results.All(Clean) ? 0 : 1;
        });
        return command;
    }

    /// <summary>Whether a run met every target: completed, nothing lost, duplicated or crashed, every hostile input refused.</summary>
    public static bool Clean(FaultDrill.Result result) =>
        result is { Failure: null, LostRounds: 0, MissingRounds: 0, DuplicateRounds: 0, Crashes.Count: 0, UnexpectedAnswers.Count: 0 };

    /// <summary>Starts one federation in a fresh sub-folder of <paramref name="parent"/>, runs the drill on it and stops it.</summary>
    public static async Task<FaultDrill.Result> RunOnceAsync(
        string parent, string? postgres, FaultyLink? link, FaultDrill.Settings settings, int number, int of, CancellationToken cancellationToken)
    {
        var work = Path.Combine(parent, string.Create(Invariant, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-seed{settings.Seed}"));
        Directory.CreateDirectory(work);
        var islands = DemoDatasets.Prepare("heart", DemoDatasets.LocateSamples(), work, seed: 11);
        var broken = FaultDrill.BrokenDataParty(islands.Parties[0], islands.SchemaPath, work, settings.Seed);
        FaultDrill.Result result;
        try
        {
            using var federation = await FailoverFederation.StartAsync(
                new FailoverFederation.Options
                {
                    WorkDirectory = work,
                    Parties = [.. islands.Parties.Select(p => LocalFederation.Party.Horizontal(p, islands.SchemaPath))],
                    Postgres = postgres,
                    PartyLink = link,
                    Federation = "faults",
                },
                cancellationToken);
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(Invariant, $"run {number}/{of} (seed {settings.Seed}): {string.Join(", ", FaultDrill.Schedule(settings, link is not null))}")));
            result = await FaultDrill.RunAsync(federation, link, broken, settings, f => AnsiConsole.MarkupLine(Markup.Escape("  " + Describe(f))), cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
        {
            // The federation did not start: a run that injected nothing, failed.
            result = new FaultDrill.Result(settings.Seed, 0, [], 0, 0, 0, 0, 0, [], [], 0, $"the federation did not start: {e.Message}");
        }

        var clean = Clean(result);
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(
            Invariant,
            $"  {(clean ? "clean" : "NOT CLEAN")}: lost {result.LostRounds}, missing {result.MissingRounds}, duplicated {result.DuplicateRounds}, degraded {result.DegradedRounds}, crashes {result.Crashes.Count}, unexpected answers {result.UnexpectedAnswers.Count}, coordinator peak {result.CoordinatorPeakBytes / 1048576.0:F0} MB{(result.Failure is null ? "" : $"; {result.Failure}")}")));
        foreach (var problem in result.Crashes.Concat(result.UnexpectedAnswers))
        {
            AnsiConsole.MarkupLine(Markup.Escape($"    {problem}"));
        }

        if (clean)
        {
            Directory.Delete(work, recursive: true);
        }
        else
        {
            AnsiConsole.MarkupLine(Markup.Escape($"  work folder kept: {work}"));
        }

        return result;
    }

    private static string Describe(FaultDrill.Fault fault) => fault.FailoverSeconds is { } failover
        ? string.Create(Invariant, $"after round {fault.AfterRound}: {fault.Kind}: {fault.Detail}; serving after {failover:F2} s, next round closed after {fault.NextRoundSeconds:F2} s")
        : $"after round {fault.AfterRound}: {fault.Kind}: {fault.Detail}";

    private static IReadOnlyList<double> Failovers(IEnumerable<FaultDrill.Result> results) =>
        [.. results.SelectMany(r => r.Faults).Select(f => f.FailoverSeconds).OfType<double>()];

    private static IReadOnlyList<double> NextRounds(IEnumerable<FaultDrill.Result> results) =>
        [.. results.SelectMany(r => r.Faults).Select(f => f.NextRoundSeconds).OfType<double>()];

    private static void Write(IReadOnlyList<FaultDrill.Result> results, string? loadBefore, string? loadAfter)
    {
        var table = new Table()
            .Title("Fault suite")
            .AddColumns("run", "seed", "coordinator kills", "party kills", "network faults", "hostile inputs", "takeover s (max)", "lost", "missing", "duplicated", "degraded", "crashes", "coordinator peak MB", "");
        foreach (var (result, i) in results.Select((r, i) => (r, i + 1)))
        {
            var failovers = Failovers([result]);
            table.AddRow(
                i.ToString(Invariant),
                result.Seed.ToString(Invariant),
                (result.Count(FaultDrill.FaultKind.CoordinatorKill) + result.Count(FaultDrill.FaultKind.StandbyKill)).ToString(Invariant),
                result.Count(FaultDrill.FaultKind.PartyKill).ToString(Invariant),
                (result.Count(FaultDrill.FaultKind.DegradedLink) + result.Count(FaultDrill.FaultKind.CutLink)).ToString(Invariant),
                result.MalformedInputs.ToString(Invariant),
                failovers.Count == 0 ? "-" : failovers.Max().ToString("F2", Invariant),
                result.LostRounds.ToString(Invariant),
                result.MissingRounds.ToString(Invariant),
                result.DuplicateRounds.ToString(Invariant),
                result.DegradedRounds.ToString(Invariant),
                result.Crashes.Count.ToString(Invariant),
                (result.CoordinatorPeakBytes / 1048576.0).ToString("F0", Invariant),
                Markup.Escape(Clean(result) ? "clean" : result.Failure ?? "NOT CLEAN"));
        }

        AnsiConsole.Write(table);
        var all = Failovers(results);
        var next = NextRounds(results);
        if (all.Count > 0)
        {
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(
                Invariant,
                $"takeover (SIGKILL to the standby serving): median {Quantiles.Median(all):F2} s, max {all.Max():F2} s over {all.Count} failovers; next round closed: median {Quantiles.Median(next):F2} s, max {next.Max():F2} s")));
        }

        AnsiConsole.MarkupLine(Markup.Escape($"{results.Count(Clean)} of {results.Count} runs clean; load average before / after: {loadBefore ?? "-"} / {loadAfter ?? "-"}"));
    }

    private static JsonObject ToJson(IReadOnlyList<FaultDrill.Result> results, string store, string? networkSkipped)
    {
        var failovers = Failovers(results);
        var next = NextRounds(results);
        return new JsonObject
        {
            ["store"] = store,
            ["runs"] = results.Count,
            ["clean_runs"] = results.Count(Clean),
            ["coordinator_kills"] = results.Sum(r => r.Count(FaultDrill.FaultKind.CoordinatorKill) + r.Count(FaultDrill.FaultKind.StandbyKill)),
            ["standby_kills"] = results.Sum(r => r.Count(FaultDrill.FaultKind.StandbyKill)),
            ["party_kills"] = results.Sum(r => r.Count(FaultDrill.FaultKind.PartyKill)),
            ["failovers"] = failovers.Count,
            ["network_faults"] = results.Sum(r => r.Count(FaultDrill.FaultKind.DegradedLink) + r.Count(FaultDrill.FaultKind.CutLink)),
            ["network_faults_skipped"] = networkSkipped,
            ["malformed_inputs"] = results.Sum(r => r.MalformedInputs),
            ["unexpected_answers"] = results.Sum(r => r.UnexpectedAnswers.Count),
            ["lost_rounds"] = results.Sum(r => r.LostRounds + r.MissingRounds),
            ["duplicate_rounds"] = results.Sum(r => r.DuplicateRounds),
            ["degraded_rounds"] = results.Sum(r => r.DegradedRounds),
            ["crashes"] = results.Sum(r => r.Crashes.Count),
            ["failed_runs"] = results.Count(r => r.Failure is not null),
            ["median_failover_seconds"] = failovers.Count == 0 ? null : Quantiles.Median(failovers),
            ["max_failover_seconds"] = failovers.Count == 0 ? null : failovers.Max(),
            ["median_next_round_seconds"] = next.Count == 0 ? null : Quantiles.Median(next),
            ["max_next_round_seconds"] = next.Count == 0 ? null : next.Max(),
            ["coordinator_peak_rss_mb"] = results.Max(r => r.CoordinatorPeakBytes) / 1048576.0,
            ["per_run"] = new JsonArray([.. results.Select(r => (JsonNode)new JsonObject
            {
                ["seed"] = r.Seed,
                ["rounds"] = r.Rounds,
                ["faults"] = new JsonArray([.. r.Faults.Select(f => (JsonNode)new JsonObject
                {
                    ["kind"] = f.Kind.ToString(),
                    ["after_round"] = f.AfterRound,
                    ["detail"] = f.Detail,
                    ["failover_seconds"] = f.FailoverSeconds,
                    ["next_round_seconds"] = f.NextRoundSeconds,
                })]),
                ["lost_rounds"] = r.LostRounds,
                ["missing_rounds"] = r.MissingRounds,
                ["duplicate_rounds"] = r.DuplicateRounds,
                ["degraded_rounds"] = r.DegradedRounds,
                ["crashes"] = new JsonArray([.. r.Crashes.Select(c => (JsonNode)JsonValue.Create(c))]),
                ["unexpected_answers"] = new JsonArray([.. r.UnexpectedAnswers.Select(c => (JsonNode)JsonValue.Create(c))]),
                ["coordinator_peak_rss_mb"] = r.CoordinatorPeakBytes / 1048576.0,
                ["failure"] = r.Failure,
            })]),
        };
    }
}
