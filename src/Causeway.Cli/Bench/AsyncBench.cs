using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Coordinator.Storage;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Synchronous rounds against asynchronous buffered aggregation when some parties are slower: 1 coordinator + N
/// <c>causeway party</c> processes (HTTP/2 + TLS on loopback), a share of them slowed F times with the party's
/// <c>--slowdown</c> test knob, train an MLP on the 8x8 digits first in sync mode, then (a fresh federation on the same
/// split) in async mode, each for the same number of accepted updates. The figure is the wall time until the global
/// model first reaches the target test accuracy, and the ratio sync / async.
/// </summary>
/// <remarks>
/// <para>
/// Time to target: every round's checkpoint is read back from the coordinator's SQLite store after the run and scored
/// by the bench on the whole test split (the union of the parties' held-out files, encoded with the run's setup), so
/// evaluation costs the runs nothing and both modes are scored alike; the time is the round's <c>closed_at</c> minus the
/// run's <c>created_at</c>, both stamped by the coordinator. A mode that never reaches the target reports null.
/// </para>
/// <para>
/// Budget: sync runs U / N rounds of N updates, async U / K rounds (buffers) of K, with U = <see cref="Settings.Updates"/>,
/// so both modes aggregate the same number of updates.
/// </para>
/// </remarks>
internal static class AsyncBench
{
    public sealed record Settings
    {
        /// <summary>N, the party processes (≥ 2). Default 10.</summary>
        public int Parties { get; init; } = 10;

        /// <summary>The share of parties slowed, in (0, 1); at least one party is slowed and one is not. Default 0.3.</summary>
        public double SlowFraction { get; init; } = 0.3;

        /// <summary>F, how many times as slow a slowed party trains (≥ 1). Default 5.</summary>
        public double Slowdown { get; init; } = 5;

        /// <summary>The test accuracy both modes race to, in (0, 1). Default 0.96.</summary>
        public double TargetAccuracy { get; init; } = 0.96;

        /// <summary>K, the async buffer (≤ N). Default: N / 2, rounded up.</summary>
        public int? BufferSize { get; init; }

        /// <summary>U, the accepted updates each mode may aggregate (a multiple of N and of K is exact). Default 300.</summary>
        public int Updates { get; init; } = 300;

        /// <summary>Local epochs per task. Default 20, so that training, not transport, is most of a task's time.</summary>
        public int Epochs { get; init; } = 20;

        /// <summary>Seeds the split and the runs. Default 42.</summary>
        public ulong Seed { get; init; } = 42;

        /// <summary>A folder under which each federation gets a fresh sub-folder (certificates, data, logs, database).</summary>
        public required string WorkDirectory { get; init; }

        public int SlowParties => Math.Clamp((int)Math.Round(SlowFraction * Parties), 1, Parties - 1);

        public int EffectiveBufferSize => BufferSize ?? (Parties + 1) / 2;

        /// <summary>Why the settings cannot run, or null.</summary>
        public string? Problem() =>
            Parties is < 2 or > 200 ? "--parties takes 2 to 200"
            : SlowFraction is not (> 0 and < 1) ? "--slow-fraction must be in (0, 1)"
            : !(Slowdown >= 1 && double.IsFinite(Slowdown)) ? "--slowdown must be at least 1"
            : TargetAccuracy is not (> 0 and < 1) ? "--target-accuracy must be in (0, 1)"
            : EffectiveBufferSize < 1 || EffectiveBufferSize > Parties ? $"--buffer-size must be 1 to --parties ({Parties})"
            : Updates < Parties ? $"--updates must be at least --parties ({Parties})"
            : Epochs < 1 ? "--epochs must be at least 1"
            : null;
    }

    /// <summary>One mode's run.</summary>
    /// <param name="Mode">sync or async.</param>
    /// <param name="Rounds">Rounds (server steps) run.</param>
    /// <param name="Accuracy">Per round, the bench's test accuracy of its checkpoint.</param>
    /// <param name="Seconds">Per round, seconds from the run's creation to the round's close.</param>
    /// <param name="Updates">Per round, accepted updates so far.</param>
    /// <param name="StaleRefused">Updates refused as too stale (async).</param>
    /// <param name="MeanStaleness">The mean staleness of the accepted updates (async; 0 in sync).</param>
    /// <param name="MaxStaleness">The largest staleness of an accepted update.</param>
    /// <param name="MedianTrainSeconds">The median over rounds of the slowest accepted party's training seconds (its slowdown included).</param>
    /// <param name="Stored">Every party row of every round as the coordinator's store holds it, in round and position order.</param>
    public sealed record ModeResult(
        string Mode,
        int Rounds,
        IReadOnlyList<double> Accuracy,
        IReadOnlyList<double> Seconds,
        IReadOnlyList<int> Updates,
        int StaleRefused,
        double MeanStaleness,
        int MaxStaleness,
        double? MedianTrainSeconds,
        IReadOnlyList<(int Round, PartyRoundRecord Party)> Stored)
    {
        /// <summary>The first round whose accuracy reaches <paramref name="target"/> (index from 0), or null.</summary>
        public int? RoundToTarget(double target) => Accuracy.Select((a, i) => (a, i)).FirstOrDefault(x => x.a >= target, (0, -1)).Item2 is var i and >= 0 ? i : null;

        public double? SecondsToTarget(double target) => RoundToTarget(target) is { } i ? Seconds[i] : null;

        public JsonObject ToJson(double target) => new()
        {
            ["mode"] = Mode,
            ["rounds"] = Rounds,
            ["seconds_to_target"] = SecondsToTarget(target),
            ["rounds_to_target"] = RoundToTarget(target) + 1,
            ["updates_to_target"] = RoundToTarget(target) is { } i ? Updates[i] : null,
            ["final_accuracy"] = Accuracy.Count > 0 ? Accuracy[^1] : null,
            ["best_accuracy"] = Accuracy.Count > 0 ? Accuracy.Max() : null,
            ["total_seconds"] = Seconds.Count > 0 ? Seconds[^1] : null,
            ["stale_refused"] = StaleRefused,
            ["mean_staleness"] = MeanStaleness,
            ["max_staleness"] = MaxStaleness,
            ["median_slowest_train_seconds"] = MedianTrainSeconds,
            ["accuracy"] = new JsonArray([.. Accuracy.Select(a => (JsonNode)a)]),
            ["seconds"] = new JsonArray([.. Seconds.Select(s => (JsonNode)s)]),
            ["updates"] = new JsonArray([.. Updates.Select(u => (JsonNode)u)]),
            ["stored_updates"] = new JsonArray([.. Stored.Select(s => (JsonNode)new JsonObject
            {
                ["round"] = s.Round,
                ["party"] = s.Party.Party.Value,
                ["outcome"] = s.Party.Outcome.ToString().ToLowerInvariant(),
                ["trained_on_version"] = s.Party.TrainedOnVersion,
                ["applied_to_version"] = s.Party.AppliedToVersion,
                ["staleness"] = s.Party.Staleness,
                ["staleness_weight"] = s.Party.StalenessWeight,
            })]),
        };
    }

    /// <summary>The run of one mode (posted to the coordinator as its JSON).</summary>
    public static RunConfig Config(Settings settings, UpdateMode mode)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var buffer = settings.EffectiveBufferSize;
        return new RunConfig
        {
            Name = $"bench-async-{mode.ToString().ToLowerInvariant()}",
            Seed = settings.Seed,
            Rounds = mode == UpdateMode.Sync ? settings.Updates / settings.Parties : settings.Updates / buffer,
            Model = new ModelConfig { Type = ModelType.Mlp, Hidden = [128, 128] },
            Training = new TrainingConfig { Epochs = settings.Epochs, BatchSize = 32, LearningRate = 0.05f },
            Strategy = new StrategyConfig { Name = StrategyKind.FedAvg },
            Round = new RoundConfig { DeadlineSeconds = 300, MinResults = mode == UpdateMode.Sync ? settings.Parties : 1 },
            Evaluation = new EvaluationConfig { EveryRounds = 0 },
            Updates = mode == UpdateMode.Sync ? new UpdatesConfig() : new UpdatesConfig { Mode = UpdateMode.Async, BufferSize = buffer },
        };
    }

    /// <summary>Runs one mode in a fresh federation and scores its checkpoints.</summary>
    /// <exception cref="InvalidOperationException">A process stopped, or the run failed.</exception>
    /// <exception cref="TimeoutException">The federation did not start, or the run did not end, in time.</exception>
    public static async Task<ModeResult> RunAsync(Settings settings, UpdateMode mode, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var name = mode.ToString().ToLowerInvariant();
        var config = Config(settings, mode);
        var work = Path.Combine(settings.WorkDirectory, string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{name}"));
        Directory.CreateDirectory(work);
        var islands = DemoDatasets.DigitsSplit(DemoDatasets.LocateSamples(), work, settings.Parties, (int)settings.Seed);

        // The last parties are the slow ones.
        var parties = islands.Parties.Select((p, i) =>
        {
            var party = LocalFederation.Party.Horizontal(p, islands.SchemaPath);
            return i < settings.Parties - settings.SlowParties
                ? party
                : party with { Arguments = [.. party.Arguments, "--slowdown", settings.Slowdown.ToString(CultureInfo.InvariantCulture)] };
        }).ToList();

        var bar = progress.AddTask($"{name}: starting 1 coordinator + {settings.Parties} parties", maxValue: config.Rounds);
        string runId;
        using (var federation = await LocalFederation.StartAsync(work, "async", parties, cancellationToken))
        {
            bar.Description = $"{name}: {config.Rounds} rounds";
            runId = await federation.Api.StartRunAsync(config.ToJson(), cancellationToken);
            var timeout = TimeSpan.FromMinutes(60);
            var started = DateTime.UtcNow;
            while (true)
            {
                federation.ThrowIfExited();
                if (DateTime.UtcNow - started > timeout)
                {
                    throw new TimeoutException($"The {name} run did not finish {config.Rounds} rounds in {timeout.TotalMinutes} minutes.");
                }

                var run = (await federation.Api.RunAsync(runId, cancellationToken))["run"];
                bar.Value = run?["currentRound"]?.GetValue<int>() ?? 0;
                var state = run?["state"]?.GetValue<string>();
                if (state is "Failed" or "Stopped")
                {
                    throw new InvalidOperationException($"The {name} run ended {state}: {run?["error"]}; see {federation.Processes[0].LogPath}.");
                }

                if (state == "Completed")
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }

        bar.Description = $"{name}: scoring {config.Rounds} checkpoints";
        var result = await ScoreAsync(Path.Combine(work, "causeway.db"), runId, mode, islands, cancellationToken);
        bar.Value = config.Rounds;
        bar.Description = $"{name}: done";
        Directory.Delete(work, recursive: true);
        return result;
    }

    // Reads every round and checkpoint of the run back from its store and scores them on the whole test split.
    private static async Task<ModeResult> ScoreAsync(string database, string runId, UpdateMode mode, DemoDatasets.Prepared islands, CancellationToken cancellationToken)
    {
        await using var store = await SqliteRunStore.OpenAsync(database, null, cancellationToken);
        var run = await store.GetRunAsync(runId, cancellationToken) ?? throw new InvalidOperationException($"The store holds no run '{runId}'.");
        var setup = RunSetup.Parse(run.SetupJson ?? throw new InvalidOperationException("The run has no setup."), "the run's stored setup");
        var schema = DataSchema.Load(islands.SchemaPath);
        var test = islands.Parties.Select(p => FeatureEncoder.Encode(TableReader.Read(p.Evaluation, schema), schema, setup.Statistics)).ToList();
        var network = new DenseNetwork(setup.Model);

        var rounds = await store.GetRoundsAsync(runId, cancellationToken);
        var accuracy = new List<double>(rounds.Count);
        var seconds = new List<double>(rounds.Count);
        var updates = new List<int>(rounds.Count);
        var accepted = 0;
        foreach (var round in rounds)
        {
            var checkpoint = await store.LoadCheckpointAsync(runId, round.Round, cancellationToken)
                ?? throw new InvalidOperationException($"Round {round.Round}'s checkpoint is missing.");
            accuracy.Add(Score(network, checkpoint.Global, test));
            seconds.Add((round.ClosedAt - run.CreatedAt).TotalSeconds);
            accepted += round.Participants;
            updates.Add(accepted);
        }

        var slowest = rounds.Where(r => r.SlowestTrainSeconds is not null).Select(r => r.SlowestTrainSeconds!.Value).ToList();
        var versions = rounds.SelectMany(r => r.Parties).Where(p => p.Staleness is not null).ToList();
        var used = versions.Where(p => p.Outcome == PartyOutcome.Accepted).Select(p => p.Staleness!.Value).ToList();
        return new ModeResult(
            mode.ToString().ToLowerInvariant(),
            rounds.Count,
            accuracy,
            seconds,
            updates,
            versions.Count(p => p.Outcome != PartyOutcome.Accepted),
            used.Count > 0 ? used.Average() : 0,
            used.Count > 0 ? used.Max() : 0,
            slowest.Count > 0 ? Quantiles.Median(slowest) : null,
            [.. rounds.SelectMany(r => r.Parties.Select(p => (r.Round, p)))]);
    }

    // Example-weighted over the parties' held-out files: the accuracy on the whole test split.
    private static double Score(DenseNetwork network, Causeway.Core.Tensors.ParameterSet global, IReadOnlyList<TabularData> test)
    {
        double correct = 0;
        double examples = 0;
        foreach (var part in test)
        {
            var evaluation = ModelEvaluator.Evaluate(network, global, part);
            correct += (evaluation.Accuracy ?? 0) * evaluation.Examples;
            examples += evaluation.Examples;
        }

        return correct / examples;
    }
}
