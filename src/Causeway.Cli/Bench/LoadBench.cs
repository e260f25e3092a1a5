using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Core.Data;
using Causeway.Federation;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Party;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Many parties against one coordinator: one <c>causeway coordinator</c> process, and this process as a load generator
/// hosting N lightweight parties, each with its own HTTP/2 + TLS connection, session, heartbeats and long polls, and a
/// few rows of the 8x8 digits. Measures what each connected party costs the coordinator (memory, idle CPU) and whether
/// rounds over all of them close, and in what time.
/// </summary>
/// <remarks>
/// The parties are real protocol clients (<see cref="PartyHost"/> over <see cref="PartyClient"/>, as <c>causeway party</c>
/// runs them), only sharing one process, so one machine can hold a thousand of them. Their training is softmax
/// regression on 8 rows, so a round's cost is the coordinator's and the protocol's. Memory: the coordinator's RSS from
/// /proc before the parties join and after all have joined and idled; per party = the difference / N. CPU: the
/// coordinator's over the idle window, and over the rounds of the run divided by party-rounds.
/// </remarks>
internal static class LoadBench
{
    public sealed record Settings
    {
        /// <summary>Parties hosted by this process. Default 1,000.</summary>
        public int Parties { get; init; } = 1000;

        /// <summary>Rounds of the run (every party each round; evaluation after the last only). Default 5.</summary>
        public int Rounds { get; init; } = 5;

        /// <summary>Parties that start joining at once. Default 50.</summary>
        public int JoinBatch { get; init; } = 50;

        /// <summary>Seconds of the idle measurement with every party joined. Default 15.</summary>
        public double IdleSeconds { get; init; } = 15;

        public ulong Seed { get; init; } = 42;

        /// <summary>A folder under which the run gets a fresh sub-folder (certificates, logs, database).</summary>
        public required string WorkDirectory { get; init; }
    }

    /// <summary>What was measured.</summary>
    public sealed record Result(
        Settings Settings,
        int Joined,
        double JoinSeconds,
        ProcessSample CoordinatorBefore,
        ProcessSample CoordinatorJoined,
        double IdleCoordinatorCores,
        double IdleGeneratorCores,
        IReadOnlyList<(int Round, int Updates, double Seconds)> Rounds,
        double CoordinatorCpuSecondsInRun,
        long CoordinatorPeakBytes,
        double? FinalAccuracy,
        string? LoadBefore,
        string? LoadAfter)
    {
        public double KilobytesPerParty => (CoordinatorJoined.RssBytes - CoordinatorBefore.RssBytes) / 1024.0 / Math.Max(Joined, 1);

        public double CoordinatorCpuMsPerPartyRound => 1000 * CoordinatorCpuSecondsInRun / Math.Max(1, Rounds.Sum(r => r.Updates));

        public JsonObject ToJson() => new()
        {
            ["parties"] = Settings.Parties,
            ["joined"] = Joined,
            ["join_seconds"] = JoinSeconds,
            ["coordinator_rss_mb_before_join"] = CoordinatorBefore.RssBytes / 1e6,
            ["coordinator_rss_mb_joined"] = CoordinatorJoined.RssBytes / 1e6,
            ["coordinator_kb_per_connected_party"] = KilobytesPerParty,
            ["coordinator_peak_rss_mb"] = CoordinatorPeakBytes / 1e6,
            ["idle_coordinator_cores"] = IdleCoordinatorCores,
            ["idle_generator_cores"] = IdleGeneratorCores,
            ["rounds_closed"] = Rounds.Count,
            ["median_round_seconds"] = Quantiles.Median(Rounds.Select(r => r.Seconds)),
            ["coordinator_cpu_ms_per_party_round"] = CoordinatorCpuMsPerPartyRound,
            ["final_accuracy"] = FinalAccuracy,
            ["load_average_before"] = LoadBefore,
            ["load_average_after"] = LoadAfter,
            ["per_round"] = new JsonArray([.. Rounds.Select(r => (JsonNode)new JsonObject { ["round"] = r.Round, ["updates"] = r.Updates, ["seconds"] = r.Seconds })]),
        };
    }

    public static RunConfig Config(Settings settings) => new()
    {
        Name = "bench-load",
        Seed = settings.Seed,
        Rounds = settings.Rounds,
        Model = new ModelConfig { Type = ModelType.Softmax },
        Training = new TrainingConfig { Epochs = 1, BatchSize = 8, LearningRate = 0.5f },
        Strategy = new StrategyConfig { Name = StrategyKind.FedAvg },
        Round = new RoundConfig { DeadlineSeconds = 300, MinResults = Math.Max(1, settings.Parties * 9 / 10) },
        Evaluation = new EvaluationConfig { EveryRounds = 0 },
    };

    public static async Task<Result> RunAsync(Settings settings, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var loadBefore = LoadAverage.Read();
        var work = Path.Combine(settings.WorkDirectory, string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-n{settings.Parties}"));
        Directory.CreateDirectory(work);
        var samples = DemoDatasets.LocateSamples();
        var schemaPath = Path.Combine(samples, "digits", "schema.json");
        var schemaJson = await File.ReadAllTextAsync(schemaPath, cancellationToken);
        var schema = DataSchema.Parse(schemaJson, schemaPath);
        var rows = File.ReadAllLines(Path.Combine(samples, "data", "uci-digits-8x8", "sklearn_digits.csv")).Where(l => l.Length > 0).ToArray();

        var starting = progress.AddTask("starting the coordinator", maxValue: 1);
        using var federation = await LocalFederation.StartAsync(work, "load", [], cancellationToken);
        var coordinator = federation.Processes[0].Id;
        starting.Value = 1;
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
        var before = ProcessSample.Read(coordinator, memory: true);

        var joining = progress.AddTask($"{settings.Parties} parties joining", maxValue: settings.Parties);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parties = new List<(PartyClient Client, PartyHost Host, Task Run)>(settings.Parties);
        var joinStarted = Stopwatch.StartNew();
        try
        {
            for (var k = 0; k < settings.Parties; k++)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"party-{k + 1:D4}");
                var lines = Enumerable.Range(0, 8).Select(i => rows[((k * 8) + i) % rows.Length]);
                var table = TableReader.Read(new StringReader(string.Join('\n', lines)), id, schema);
                var options = federation.InProcessPartyOptions(id);
                var client = new PartyClient(options);
                var host = new PartyHost(client, new LocalDataHandler(new PartyId(id), schemaJson, table, table), options);
                parties.Add((client, host, host.RunAsync(stop.Token)));
                if ((k + 1) % settings.JoinBatch == 0 || k + 1 == settings.Parties)
                {
                    joining.Value = await WaitForPartiesAsync(federation, k + 1, cancellationToken);
                }
            }

            var joinSeconds = joinStarted.Elapsed.TotalSeconds;
            var generator = Environment.ProcessId;
            progress.AddTask($"idle {settings.IdleSeconds:F0} s with {settings.Parties} parties joined", maxValue: 1).Value = 1;
            var idleStart = (Coordinator: ProcessSample.Read(coordinator).CpuSeconds, Generator: ProcessSample.Read(generator).CpuSeconds, Time: Stopwatch.GetTimestamp());
            await Task.Delay(TimeSpan.FromSeconds(settings.IdleSeconds), cancellationToken);
            var idleSeconds = Stopwatch.GetElapsedTime(idleStart.Time).TotalSeconds;
            var idleCoordinator = (ProcessSample.Read(coordinator).CpuSeconds - idleStart.Coordinator) / idleSeconds;
            var idleGenerator = (ProcessSample.Read(generator).CpuSeconds - idleStart.Generator) / idleSeconds;
            var joined = ProcessSample.Read(coordinator, memory: true);

            var bar = progress.AddTask($"{settings.Rounds} rounds over {settings.Parties} parties", maxValue: settings.Rounds);
            var cpuBefore = ProcessSample.Read(coordinator).CpuSeconds;
            var runId = await federation.Api.StartRunAsync(Config(settings).ToJson(), cancellationToken);
            JsonNode details;
            while (true)
            {
                federation.ThrowIfExited();
                details = await federation.Api.RunAsync(runId, cancellationToken);
                bar.Value = details["rounds"]?.AsArray().Count ?? 0;
                var state = details["run"]?["state"]?.GetValue<string>();
                if (state is "Completed" or "Failed" or "Cancelled")
                {
                    if (state != "Completed")
                    {
                        throw new InvalidOperationException($"The run ended {state}: {details["run"]?["error"]}");
                    }

                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }

            var cpuInRun = ProcessSample.Read(coordinator).CpuSeconds - cpuBefore;
            var peak = federation.Usage()[0].PeakResidentBytes;
            var rounds = details["rounds"]!.AsArray()
                .Select(r => (r!["round"]!.GetValue<int>(), r["updates"]!.GetValue<int>(), r["metrics"]!["seconds"]!.GetValue<double>()))
                .ToList();
            var accuracy = details["rounds"]!.AsArray().LastOrDefault()?["metrics"]?["eval_accuracy"]?.GetValue<double>();
            return new Result(
                settings, await WaitForPartiesAsync(federation, 0, cancellationToken), joinSeconds, before, joined, idleCoordinator, idleGenerator,
                rounds, cpuInRun, peak, accuracy, loadBefore, LoadAverage.Read());
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(parties.Select(p => p.Run)).WaitAsync(TimeSpan.FromSeconds(60), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var (client, host, _) in parties)
            {
                host.Dispose();
                client.Dispose();
            }
        }
    }

    // Waits until at least `count` parties are connected (0: just reads); returns how many are.
    private static async Task<int> WaitForPartiesAsync(LocalFederation federation, int count, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            federation.ThrowIfExited();
            var connected = (await federation.Api.StatusAsync(cancellationToken))["parties"]?.AsArray().Count ?? 0;
            if (connected >= count)
            {
                return connected;
            }

            if (deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new TimeoutException($"Only {connected} of {count} parties joined in 5 minutes.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
