using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Causeway.Cli.Composition;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// What one round costs a party over the network: 1 coordinator + N <c>causeway party</c> processes (HTTP/2 + TLS on
/// loopback) run FedAvg on the 8x8 digits with softmax regression, and the bench reads every process's CPU time and
/// memory from /proc. The task is the one issue 8 measured Flower 1.23 on, so the figures compare with Flower's.
/// </summary>
/// <remarks>
/// <para>
/// Task: the 1,797 digits split 80/20 per class (seeded), the training rows dealt IID over N parties, each party also
/// holding its share of the test rows; softmax regression, SGD with learning rate 0.5, batch 32, 1 local epoch, every
/// party in every round, federated evaluation after every round (so the last round's accuracy is the test accuracy).
/// </para>
/// <para>
/// CPU per party-round: the CPU seconds of all federation processes (coordinator and parties) between the moment round 1
/// closes and the moment round R closes, divided by N·(R − 1): the steady state, without start-up, JIT of the first round
/// and run set-up. The coordinator's "Round r/R of run … closed" log line marks the moments (the bench reads /proc as the
/// line arrives, so the coordinator does no extra work for the bench). /proc counts CPU in clock ticks (10 ms), so a
/// process's figure is exact to about a tick; the sum over many processes and rounds averages that out.
/// </para>
/// <para>
/// Round time: the median of the intervals between consecutive round closes (rounds 2–R, from the rounds' stored close
/// times): training, evaluation, aggregation and the checkpoint write. Idle CPU: all processes over
/// <see cref="Settings.IdleSeconds"/> with every party joined and no run, after <see cref="Settings.SettleSeconds"/>
/// of settling. Memory: RSS and PSS (/proc/PID/smaps_rollup) of every process after the last round.
/// </para>
/// </remarks>
internal static partial class RoundsBench
{
    public sealed record Settings
    {
        /// <summary>The federation sizes to measure, one after the other. Default 2, 10, 50.</summary>
        public IReadOnlyList<int> Parties { get; init; } = [2, 10, 50];

        /// <summary>Rounds per run (≥ 3); round 1 is the warm-up and is not in the figures. Default 20.</summary>
        public int Rounds { get; init; } = 20;

        /// <summary>Seconds the joined federation idles before the idle measurement starts. Default 5.</summary>
        public double SettleSeconds { get; init; } = 5;

        /// <summary>Seconds of the idle measurement (all parties joined, no run). Default 20.</summary>
        public double IdleSeconds { get; init; } = 20;

        /// <summary>Seeds the split and the run. Default 42.</summary>
        public ulong Seed { get; init; } = 42;

        /// <summary>A folder under which each federation gets a fresh sub-folder (certificates, data, logs, database).</summary>
        public required string WorkDirectory { get; init; }
    }

    /// <summary>One federation size's figures.</summary>
    /// <param name="Parties">N, the party processes.</param>
    /// <param name="Rounds">The rounds run.</param>
    /// <param name="RoundSeconds">Per round from round 2: seconds since the previous round closed.</param>
    /// <param name="CpuSecondsSteady">CPU seconds of all processes from round 1's close to round R's.</param>
    /// <param name="CoordinatorCpuSecondsSteady">The coordinator's part of <paramref name="CpuSecondsSteady"/>.</param>
    /// <param name="IdleCpuCores">CPU seconds per second of all processes while idle.</param>
    /// <param name="PartyMemory">Per party process: RSS and PSS in bytes after the last round.</param>
    /// <param name="Coordinator">The coordinator's RSS and PSS in bytes after the last round.</param>
    /// <param name="FinalAccuracy">The global model's test accuracy after the last round.</param>
    /// <param name="LoadBefore">The load average when this size started.</param>
    /// <param name="LoadAfter">The load average when it ended.</param>
    /// <param name="SteadyWindow">When round 1 and round R closed, in seconds of the monotonic clock (<c>CLOCK_MONOTONIC</c>, as
    /// <c>perf record -k CLOCK_MONOTONIC</c> stamps its samples), so a profile can be cut to the measured rounds.</param>
    /// <param name="ProcessIds">The coordinator's process id, then the parties'.</param>
    public sealed record Result(
        int Parties,
        int Rounds,
        IReadOnlyList<double> RoundSeconds,
        double CpuSecondsSteady,
        double CoordinatorCpuSecondsSteady,
        double IdleCpuCores,
        IReadOnlyList<ProcessSample> PartyMemory,
        ProcessSample Coordinator,
        double? FinalAccuracy,
        string? LoadBefore,
        string? LoadAfter,
        (double Start, double End) SteadyWindow,
        IReadOnlyList<int> ProcessIds)
    {
        private int PartyRounds => Parties * (Rounds - 1);

        public double SteadyRoundSeconds => Quantiles.Median(RoundSeconds);

        public double CpuMsPerPartyRound => 1000 * CpuSecondsSteady / PartyRounds;

        /// <summary>The coordinator's share of <see cref="CpuMsPerPartyRound"/>.</summary>
        public double CoordinatorCpuMsPerPartyRound => 1000 * CoordinatorCpuSecondsSteady / PartyRounds;

        public double PartyRssMb => Quantiles.Median(PartyMemory.Select(m => m.RssBytes / 1e6));

        public double PartyPssMb => Quantiles.Median(PartyMemory.Select(m => m.PssBytes / 1e6));

        public JsonObject ToJson() => new()
        {
            ["parties"] = Parties,
            ["rounds"] = Rounds,
            ["steady_round_seconds"] = SteadyRoundSeconds,
            ["cpu_ms_per_party_round"] = CpuMsPerPartyRound,
            ["coordinator_cpu_ms_per_party_round"] = CoordinatorCpuMsPerPartyRound,
            ["party_rss_mb"] = PartyRssMb,
            ["party_pss_mb"] = PartyPssMb,
            ["coordinator_rss_mb"] = Coordinator.RssBytes / 1e6,
            ["coordinator_pss_mb"] = Coordinator.PssBytes / 1e6,
            ["idle_cpu_cores"] = IdleCpuCores,
            ["final_accuracy"] = FinalAccuracy,
            ["load_average_before"] = LoadBefore,
            ["load_average_after"] = LoadAfter,
            ["steady_window_monotonic_seconds"] = new JsonArray(SteadyWindow.Start, SteadyWindow.End),
            ["process_ids"] = new JsonArray([.. ProcessIds.Select(id => (JsonNode)id)]),
            ["round_seconds"] = new JsonArray([.. RoundSeconds.Select(s => (JsonNode)s)]),
        };
    }

    /// <summary>The run every size executes (posted to the coordinator as its JSON).</summary>
    public static RunConfig Config(Settings settings, int parties)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new RunConfig
        {
            Name = "bench-rounds",
            Seed = settings.Seed,
            Rounds = settings.Rounds,
            Model = new ModelConfig { Type = ModelType.Softmax },
            Training = new TrainingConfig { Epochs = 1, BatchSize = 32, LearningRate = 0.5f },
            Strategy = new StrategyConfig { Name = StrategyKind.FedAvg },
            Round = new RoundConfig { DeadlineSeconds = 120, MinResults = parties },
            Evaluation = new EvaluationConfig { EveryRounds = 1 },
        };
    }

    /// <summary>Measures one federation of <paramref name="parties"/> party processes.</summary>
    /// <exception cref="InvalidOperationException">A process stopped, or the run failed.</exception>
    /// <exception cref="TimeoutException">The federation did not start, or the run did not end, in time.</exception>
    public static async Task<Result> RunAsync(Settings settings, int parties, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var loadBefore = LoadAverage.Read();

        // A fresh folder of our own for every federation: nothing the user made is ever deleted.
        var work = Path.Combine(settings.WorkDirectory, string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-n{parties}"));
        Directory.CreateDirectory(work);
        var islands = DemoDatasets.DigitsSplit(DemoDatasets.LocateSamples(), work, parties, (int)settings.Seed);

        var bar = progress.AddTask($"N = {parties}: starting 1 coordinator + {parties} parties", maxValue: settings.Rounds);
        using var federation = await LocalFederation.StartAsync(
            work, "rounds", [.. islands.Parties.Select(p => LocalFederation.Party.Horizontal(p, islands.SchemaPath))], cancellationToken);
        var ids = federation.Processes.Select(p => p.Id).ToArray();

        bar.Description = $"N = {parties}: idle {settings.SettleSeconds + settings.IdleSeconds:F0} s";
        await Task.Delay(TimeSpan.FromSeconds(settings.SettleSeconds), cancellationToken);
        var idleStart = (Cpu: ProcessSample.TotalCpuSeconds(ids), Time: Stopwatch.GetTimestamp());
        await Task.Delay(TimeSpan.FromSeconds(settings.IdleSeconds), cancellationToken);
        var idleCores = (ProcessSample.TotalCpuSeconds(ids) - idleStart.Cpu) / Stopwatch.GetElapsedTime(idleStart.Time).TotalSeconds;
        federation.ThrowIfExited();

        bar.Description = $"N = {parties}: {settings.Rounds} rounds";
        var marks = new RoundMarks(ids, settings.Rounds, bar);
        federation.Processes[0].LineWritten += marks.OnCoordinatorLine;
        var runId = await federation.Api.StartRunAsync(Config(settings, parties).ToJson(), cancellationToken);
        var timeout = Stopwatch.StartNew();
        while (!marks.Finished.IsCompleted)
        {
            federation.ThrowIfExited();
            if (timeout.Elapsed > TimeSpan.FromMinutes(30))
            {
                throw new TimeoutException($"The run of {parties} parties did not finish {settings.Rounds} rounds in 30 minutes.");
            }

            var state = (await federation.Api.RunAsync(runId, cancellationToken))["run"]?["state"]?.GetValue<string>();
            if (state is "Failed" or "Stopped")
            {
                throw new InvalidOperationException($"The run ended {state}; see {federation.Processes[0].LogPath}.");
            }

            await Task.WhenAny(marks.Finished, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken));
        }

        var (first, last, window) = await marks.Finished;
        var memory = ids.Select(id => ProcessSample.Read(id, memory: true)).ToArray();
        var details = await federation.Api.RunAsync(runId, cancellationToken);
        var closes = (details["rounds"]?.AsArray() ?? []).Select(r => r!["closedAt"]!.GetValue<DateTimeOffset>()).ToArray();
        var roundSeconds = closes.Skip(1).Zip(closes, (later, earlier) => (later - earlier).TotalSeconds).ToArray();
        var accuracy = details["rounds"]?.AsArray().LastOrDefault()?["metrics"]?["eval_accuracy"]?.GetValue<double>();
        bar.Value = settings.Rounds;
        bar.Description = $"N = {parties}: done";

        federation.Dispose();
        Directory.Delete(work, recursive: true);
        return new Result(
            parties,
            settings.Rounds,
            roundSeconds,
            last.Sum() - first.Sum(),
            last[0] - first[0],
            idleCores,
            memory[1..],
            memory[0],
            accuracy,
            loadBefore,
            LoadAverage.Read(),
            window,
            ids);
    }

    [GeneratedRegex(@"Round (\d+)/\d+ of run \S+ closed")]
    private static partial Regex RoundClosedLine();

    /// <summary>Takes every process's CPU time as the coordinator reports round 1 and round R closed.</summary>
    private sealed class RoundMarks(int[] processIds, int rounds, ProgressTask bar)
    {
        private readonly TaskCompletionSource<(double[] First, double[] Last, (double Start, double End) Window)> _finished =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        private double[]? _first;
        private double _firstAt;

        public Task<(double[] First, double[] Last, (double Start, double End) Window)> Finished => _finished.Task;

        public void OnCoordinatorLine(string line)
        {
            if (RoundClosedLine().Match(line) is not { Success: true } match)
            {
                return;
            }

            var round = int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
            bar.Value = round;
            try
            {
                if (round == 1)
                {
                    _firstAt = Monotonic();
                    _first = Sample();
                }
                else if (round == rounds && _first is not null)
                {
                    var last = Sample();
                    _finished.TrySetResult((_first, last, (_firstAt, Monotonic())));
                }
            }
            catch (IOException e)
            {
                _finished.TrySetException(new InvalidOperationException($"A federation process vanished during round {round}: {e.Message}", e));
            }
        }

        private double[] Sample() => [.. processIds.Select(id => ProcessSample.Read(id).CpuSeconds)];

        // Stopwatch reads CLOCK_MONOTONIC on Linux.
        private static double Monotonic() => Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
    }
}
