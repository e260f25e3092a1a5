using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// A real federation on loopback (1 coordinator + N party processes, HTTP/2 + TLS) training an MLP of about a million
/// parameters on small UCI Adult slices, to measure what a round costs beyond the parties' own training.
/// </summary>
/// <remarks>
/// Per round, overhead = the round's wall time at the coordinator (<c>metrics.seconds</c>: from sending the tasks to
/// the stepped global model) − the slowest accepted party's local training time (<c>metrics.slowest_party_seconds</c>,
/// measured by the party around its training loop). It therefore holds both transfers, (de)serialisation on both
/// sides, the parties' model set-up, aggregation and scheduling. The run sets <c>evaluation.everyRounds = 0</c>, which
/// the coordinator's network driver takes as "no federated evaluation", so no round holds an evaluation round trip
/// (rounds that do are skipped); round 1 (warm-up: JIT, connections, run set-up) is left out of the statistics.
/// </remarks>
internal static class NetworkBench
{
    public sealed record Settings
    {
        public int Parties { get; init; } = 10;

        /// <summary>Rounds run; round 1 (warm-up) is not in the statistics.</summary>
        public int Rounds { get; init; } = 10;

        /// <summary>Training rows per party (a quarter as many held-out rows).</summary>
        public int RowsPerParty { get; init; } = 200;

        /// <summary>Hidden widths: 105 Adult features → 1000 → 900 → 1 is 1,007,801 parameters.</summary>
        public IReadOnlyList<int> Hidden { get; init; } = [1000, 900];

        public ulong Seed { get; init; } = 42;

        /// <summary>Secure aggregation (threshold: a majority) or Paillier for every round; null for plain rounds (the default).</summary>
        public ProtectionConfig? Protection { get; init; }

        /// <summary>The bench's own folder (a <see cref="WorkFolder"/>; the command's default names the parent of per-run folders).</summary>
        public required string WorkDirectory { get; init; }
    }

    /// <summary>One closed round as the control API reported it.</summary>
    /// <param name="Number">The round number, from 1.</param>
    /// <param name="Updates">Accepted updates.</param>
    /// <param name="Seconds">The coordinator's wall time of the round (<c>metrics.seconds</c>).</param>
    /// <param name="SlowestPartySeconds">The slowest accepted party's local training time (<c>metrics.slowest_party_seconds</c>).</param>
    /// <param name="Bytes">Update bytes received.</param>
    /// <param name="Evaluated">Whether the round ended with a federated evaluation (part of <paramref name="Seconds"/>).</param>
    /// <param name="IntervalSeconds">Wall time since the previous round closed (or the run started): includes the checkpoint write.</param>
    public sealed record Round(int Number, int Updates, double Seconds, double? SlowestPartySeconds, long Bytes, bool Evaluated, double IntervalSeconds)
    {
        public double? OverheadSeconds => SlowestPartySeconds is { } slowest ? Seconds - slowest : null;
    }

    /// <param name="Settings">What ran.</param>
    /// <param name="Config">The run's configuration.</param>
    /// <param name="Parameters">The model's parameter count.</param>
    /// <param name="Rounds">Every closed round.</param>
    /// <param name="WallSeconds">Wall time of the whole bench.</param>
    /// <param name="CoordinatorRssBytes">The coordinator's resident set (VmRSS) once the run completed; 0 without /proc.</param>
    /// <param name="CoordinatorPeakRssBytes">The coordinator's peak resident set (VmHWM) over the run; 0 without /proc.</param>
    public sealed record Result(
        Settings Settings, RunConfig Config, long Parameters, IReadOnlyList<Round> Rounds, double WallSeconds, long CoordinatorRssBytes = 0, long CoordinatorPeakRssBytes = 0)
    {
        /// <summary>The rounds in the statistics: not round 1, not evaluated, and every party's update accepted.</summary>
        public IReadOnlyList<Round> Measured =>
            [.. Rounds.Where(r => r.Number > 1 && !r.Evaluated && r.Updates == Settings.Parties && r.SlowestPartySeconds is not null)];

        public double MedianOverhead => Quantiles.Of(Measured.Select(r => r.OverheadSeconds!.Value), 0.5);

        public double P90Overhead => Quantiles.Of(Measured.Select(r => r.OverheadSeconds!.Value), 0.9);

        public double MedianRoundSeconds => Quantiles.Of(Measured.Select(r => r.Seconds), 0.5);

        public double MedianSlowestPartySeconds => Quantiles.Of(Measured.Select(r => r.SlowestPartySeconds!.Value), 0.5);

        public double MedianIntervalSeconds => Quantiles.Of(Measured.Select(r => r.IntervalSeconds), 0.5);

        public long BytesPerRound => Measured.Count > 0 ? Measured[0].Bytes : 0;

        public JsonObject ToJson() => new()
        {
            ["parties"] = Settings.Parties,
            ["rounds"] = Settings.Rounds,
            ["rows_per_party"] = Settings.RowsPerParty,
            ["model"] = $"mlp {string.Join('-', Settings.Hidden)}",
            ["protection"] = Settings.Protection?.Kind.ToString().ToLowerInvariant() ?? "none",
            ["parameters"] = Parameters,
            ["config"] = JsonNode.Parse(Config.ToJson()),
            ["measured_rounds"] = new JsonArray([.. Measured.Select(r => (JsonNode)r.Number)]),
            ["median_overhead_seconds"] = MedianOverhead,
            ["p90_overhead_seconds"] = P90Overhead,
            ["median_round_seconds"] = MedianRoundSeconds,
            ["median_slowest_party_seconds"] = MedianSlowestPartySeconds,
            ["median_round_interval_seconds"] = MedianIntervalSeconds,
            ["bytes_per_round"] = BytesPerRound,
            ["wall_seconds"] = WallSeconds,
            ["coordinator_rss_mb"] = CoordinatorRssBytes / 1e6,
            ["coordinator_peak_rss_mb"] = CoordinatorPeakRssBytes / 1e6,
            ["per_round"] = new JsonArray([.. Rounds.Select(r => (JsonNode)new JsonObject
            {
                ["round"] = r.Number,
                ["updates"] = r.Updates,
                ["seconds"] = r.Seconds,
                ["slowest_party_seconds"] = r.SlowestPartySeconds,
                ["overhead_seconds"] = r.OverheadSeconds,
                ["interval_seconds"] = r.IntervalSeconds,
                ["bytes"] = r.Bytes,
                ["evaluated"] = r.Evaluated,
            })]),
        };
    }

    /// <summary>The model the bench federates: an MLP over the Adult schema's encoded features.</summary>
    public static ModelSpec Spec(RunConfig config, string schemaPath)
    {
        ArgumentNullException.ThrowIfNull(config);
        var schema = DataSchema.Load(schemaPath);
        return config.ToModelSpec(FeatureEncoder.FeatureCount(schema), FeatureEncoder.OutputCount(schema), FeatureEncoder.TaskOf(schema));
    }

    public static RunConfig Config(Settings settings, string schemaPath)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new RunConfig
        {
            Name = "bench-network",
            Seed = settings.Seed,
            Rounds = settings.Rounds,
            Model = new ModelConfig { Type = ModelType.Mlp, Hidden = settings.Hidden },
            Training = new TrainingConfig { Epochs = 1, BatchSize = 32, LearningRate = 0.01f },
            Strategy = new StrategyConfig { Name = StrategyKind.FedAvg },
            Round = new RoundConfig { DeadlineSeconds = 300, MinResults = settings.Parties },
            Evaluation = new EvaluationConfig { EveryRounds = 0 },
            Data = new DataConfig { Schema = schemaPath },
            Protection = settings.Protection,
        };
    }

    public static async Task<Result> RunAsync(Settings settings, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var started = DateTimeOffset.UtcNow;
        var work = settings.WorkDirectory;
        var islands = DemoDatasets.AdultSlices(DemoDatasets.LocateSamples(), work, settings.Parties, settings.RowsPerParty, (int)settings.Seed);
        var config = Config(settings, islands.SchemaPath);
        var parameters = new DenseNetwork(Spec(config, islands.SchemaPath)).Layout.TotalLength;

        var joining = progress.AddTask($"starting 1 coordinator + {settings.Parties} parties", maxValue: 1);
        using var federation = await LocalFederation.StartAsync(work, "bench", [.. islands.Parties.Select(p => LocalFederation.Party.Horizontal(p, islands.SchemaPath))], cancellationToken);
        joining.Value = 1;

        var bar = progress.AddTask(string.Create(CultureInfo.InvariantCulture, $"{settings.Rounds} rounds, {parameters:N0}-parameter MLP"), maxValue: settings.Rounds);
        var runId = await federation.Api.StartRunAsync(config.ToJson(), cancellationToken);
        var previousClose = DateTimeOffset.UtcNow;
        var rounds = new List<Round>();
        while (true)
        {
            federation.ThrowIfExited();
            var details = await federation.Api.RunAsync(runId, cancellationToken);
            foreach (var round in (details["rounds"]?.AsArray() ?? []).Skip(rounds.Count))
            {
                var closedAt = round!["closedAt"]!.GetValue<DateTimeOffset>();
                var metrics = round["metrics"]?.AsObject();
                rounds.Add(new Round(
                    round["round"]!.GetValue<int>(),
                    round["updates"]!.GetValue<int>(),
                    Metric(metrics, "seconds") ?? double.NaN,
                    Metric(metrics, "slowest_party_seconds"),
                    (long)(Metric(metrics, "bytes") ?? 0),
                    Metric(metrics, "eval_loss") is not null,
                    (closedAt - previousClose).TotalSeconds));
                previousClose = closedAt;
                bar.Value = rounds.Count;
            }

            var state = details["run"]?["state"]?.GetValue<string>();
            if (state is "Completed")
            {
                break;
            }

            if (state is "Failed" or "Stopped")
            {
                throw new InvalidOperationException($"The run ended {state}: {details["run"]?["error"]}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        var (rss, peak) = ResidentMemory(federation.Processes[0].Id);
        return new Result(settings, config, parameters, rounds, (DateTimeOffset.UtcNow - started).TotalSeconds, rss, peak);
    }

    // VmRSS and VmHWM of /proc/PID/status in bytes; zeros where there is no /proc.
    private static (long Rss, long Peak) ResidentMemory(int processId)
    {
        var path = $"/proc/{processId}/status";
        if (!File.Exists(path))
        {
            return (0, 0);
        }

        var lines = File.ReadAllLines(path);
        long Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) is { } line
            ? long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024
            : 0;
        return (Field("VmRSS:"), Field("VmHWM:"));
    }

    private static double? Metric(JsonObject? metrics, string name) =>
        metrics is not null && metrics.TryGetPropertyValue(name, out var value) && value is not null ? value.GetValue<double>() : null;
}
