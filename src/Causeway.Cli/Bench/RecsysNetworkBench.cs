using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Coordinator.Storage;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Simulation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Federated matrix factorisation over the network: a coordinator and a few <c>causeway party --ratings</c> processes
/// on loopback (HTTP/2 + TLS), each serving its share of the users as virtual user-parties (cross-device: one party and
/// session per user) or as one silo, then the same run in simulation, to compare RMSE. With
/// <see cref="Settings.Async"/>, a fresh federation then runs the same update budget asynchronously (buffered, ADR 14)
/// and the two are set side by side.
/// </summary>
/// <remarks>
/// The ratings are the first <see cref="Settings.Users"/> users of the file (in file order), written to the bench's
/// folder; every process reads that file and keeps its share (<see cref="RatingsParties"/>). Rounds per second is the
/// number of rounds over the time from the run's start to its last close (the last round holds the federated
/// evaluation); bytes per party and round is a round's update bytes over its updates (median over the rounds).
/// An asynchronous round is one server step of K buffered updates: the async run takes R·P/K of them for the sync run's
/// R rounds of P updates (<see cref="AsyncConfig"/>), so both apply the same number of updates, and updates per second
/// compares them where rounds per second cannot.
/// </remarks>
internal static class RecsysNetworkBench
{
    public sealed record Settings
    {
        /// <summary>User-parties (cross-device), or users dealt to the silos. Default 200.</summary>
        public int Users { get; init; } = 200;

        /// <summary>Party processes. Default 4.</summary>
        public int Processes { get; init; } = 4;

        /// <summary>One party per process holding its users (cross-silo) instead of one party per user. Default false.</summary>
        public bool Silos { get; init; }

        /// <summary>Rounds. Default 20.</summary>
        public int Rounds { get; init; } = 20;

        /// <summary>The rank k. Default 32 (bench recsys's).</summary>
        public int Factors { get; init; } = 32;

        /// <summary>
        /// Also run asynchronously (buffered: K = a tenth of the parties, 2K training at once, s(τ) = (1 + τ)^−0.5, at most 10
        /// versions stale) on the same number of updates, in a fresh federation after the synchronous run. Default false.
        /// </summary>
        public bool Async { get; init; }

        /// <summary>Server SGD's η on the summed item gradients. Default 0.005 (bench recsys's gradient sum).</summary>
        public float ServerLearningRate { get; init; } = 0.005f;

        public ulong Seed { get; init; } = 42;

        /// <summary>The ratings file. Default the bundled movielens-latest-small.</summary>
        public string RatingsPath { get; init; } = Path.Combine("samples", "data", "movielens-latest-small", "ratings.csv");

        public required string WorkDirectory { get; init; }
    }

    /// <param name="Number">The round, from 1.</param>
    /// <param name="Updates">Accepted updates.</param>
    /// <param name="Seconds">The coordinator's wall time of the round.</param>
    /// <param name="Bytes">Update bytes received.</param>
    /// <param name="Rmse">The federated evaluation's RMSE, when the round had one.</param>
    public sealed record Round(int Number, int Updates, double Seconds, long Bytes, double? Rmse);

    /// <summary>One run over the network and the same run in simulation.</summary>
    /// <param name="Config">The run's configuration.</param>
    /// <param name="Rounds">Every closed round (an asynchronous round is one applied buffer).</param>
    /// <param name="RunSeconds">From the run's start to its last close.</param>
    /// <param name="SimulatedRmse">The same run in simulation, scored where the users are.</param>
    /// <param name="Usage">CPU and peak memory per process.</param>
    /// <param name="Staleness">The accepted updates' staleness (asynchronous runs; null for synchronous ones).</param>
    /// <param name="LoopbackBytes">
    /// IP bytes received on this machine from the run's start to its end (<c>/proc/net/netstat</c> IpExt InOctets): the
    /// tasks down and the updates up with their TLS, HTTP/2 and TCP/IP overhead, plus whatever else the machine sent over
    /// loopback meanwhile; null where the counter is not readable.
    /// </param>
    public sealed record Measured(
        RunConfig Config, IReadOnlyList<Round> Rounds, double RunSeconds, double SimulatedRmse, IReadOnlyList<LocalFederation.ProcessUsage> Usage,
        StalenessSummary? Staleness, long? LoopbackBytes)
    {
        /// <summary>Loopback bytes per accepted update: what one party's task and answer cost on the wire, both ways.</summary>
        public double? LoopbackBytesPerUpdate => LoopbackBytes / (double)Math.Max(1, Rounds.Sum(r => r.Updates));

        public string Aggregation => Config.Updates.Mode == UpdateMode.Async ? "async" : "sync";

        public double RoundsPerSecond => Rounds.Count / RunSeconds;

        /// <summary>Accepted updates per second: what an asynchronous run and a synchronous one compare on.</summary>
        public double UpdatesPerSecond => Rounds.Sum(r => r.Updates) / RunSeconds;

        public double BytesPerPartyPerRound => Quantiles.Of(Rounds.Where(r => r.Updates > 0).Select(r => (double)r.Bytes / r.Updates), 0.5);

        public double? NetworkRmse => Rounds.LastOrDefault(r => r.Rmse is not null)?.Rmse;

        /// <summary>The fields <c>bench recsys-network</c>'s report has for a run (the synchronous one's at the top level).</summary>
        public void WriteTo(JsonObject json)
        {
            json["rounds"] = Config.Rounds;
            json["aggregation"] = Aggregation;
            json["config"] = JsonNode.Parse(Config.ToJson());
            json["run_seconds"] = RunSeconds;
            json["rounds_per_second"] = RoundsPerSecond;
            json["updates"] = Rounds.Sum(r => r.Updates);
            json["updates_per_second"] = UpdatesPerSecond;
            json["bytes_per_party_per_round"] = BytesPerPartyPerRound;
            json["loopback_bytes"] = LoopbackBytes;
            json["loopback_bytes_per_update"] = LoopbackBytesPerUpdate;
            json["rmse"] = NetworkRmse;
            json["simulated_rmse"] = SimulatedRmse;
            if (Staleness is { } staleness)
            {
                json["staleness"] = new JsonObject
                {
                    ["mean"] = staleness.Mean,
                    ["max"] = staleness.Max,
                    ["refused_as_stale"] = staleness.RefusedAsStale,
                };
            }

            json["processes_usage"] = new JsonArray([.. Usage.Select(u => (JsonNode)new JsonObject
            {
                ["name"] = u.Name,
                ["cpu_seconds"] = u.CpuSeconds,
                ["peak_rss_mb"] = u.PeakResidentBytes / 1e6,
            })]);
            json["per_round"] = new JsonArray([.. Rounds.Select(r => (JsonNode)new JsonObject
            {
                ["round"] = r.Number,
                ["updates"] = r.Updates,
                ["seconds"] = r.Seconds,
                ["bytes"] = r.Bytes,
                ["rmse"] = r.Rmse,
            })]);
        }
    }

    /// <param name="Mean">The mean staleness τ (versions between the model trained on and the one the update was applied to) of the accepted updates.</param>
    /// <param name="Max">The largest accepted τ.</param>
    /// <param name="RefusedAsStale">Updates refused for τ above updates.maxStaleness.</param>
    public sealed record StalenessSummary(double Mean, int Max, int RefusedAsStale);

    /// <param name="Settings">What ran.</param>
    /// <param name="Parties">The parties that joined.</param>
    /// <param name="Items">The catalogue's size.</param>
    /// <param name="Ratings">Training ratings over all parties.</param>
    /// <param name="Sync">The synchronous run.</param>
    /// <param name="Async">The asynchronous run on the same update budget, with <see cref="Settings.Async"/>.</param>
    public sealed record Result(Settings Settings, int Parties, int Items, int Ratings, Measured Sync, Measured? Async)
    {
        public JsonObject ToJson()
        {
            var json = new JsonObject
            {
                ["users"] = Settings.Users,
                ["processes"] = Settings.Processes,
                ["partition"] = Settings.Silos ? "silos" : "virtual-users",
                ["parties"] = Parties,
                ["items"] = Items,
                ["train_ratings"] = Ratings,
                ["ratings_file"] = Settings.RatingsPath,
            };
            Sync.WriteTo(json);
            if (Async is { } asynchronous)
            {
                var async = new JsonObject();
                asynchronous.WriteTo(async);
                json["async"] = async;
                json["async_vs_sync"] = new JsonObject
                {
                    ["run_seconds_ratio"] = asynchronous.RunSeconds / Sync.RunSeconds,
                    ["updates_per_second_ratio"] = asynchronous.UpdatesPerSecond / Sync.UpdatesPerSecond,
                    ["rmse_difference"] = asynchronous.NetworkRmse - Sync.NetworkRmse,
                };
            }

            return json;
        }
    }

    public static RunConfig Config(Settings settings) => new()
    {
        Name = "bench-recsys-network",
        Seed = settings.Seed,
        Rounds = settings.Rounds,
        Strategy = new StrategyConfig { Name = StrategyKind.FedAvg, ServerLearningRate = settings.ServerLearningRate },
        Round = new RoundConfig { DeadlineSeconds = 300 },
        Evaluation = new EvaluationConfig { EveryRounds = settings.Rounds },
        Recommendation = new RecommendationConfig { Factors = settings.Factors, Aggregation = ItemAggregation.GradientSum, Epochs = 1, UserEpochs = 1 },
    };

    /// <summary>
    /// The asynchronous run on the synchronous one's update budget: K = a tenth of the <paramref name="parties"/> (at least
    /// 1), 2K training at once, R·P/K server steps, the federated evaluation after the last.
    /// </summary>
    public static RunConfig AsyncConfig(Settings settings, int parties)
    {
        var sync = Config(settings);
        var buffer = Math.Max(1, parties / 10);
        var rounds = (int)Math.Ceiling(settings.Rounds * (double)parties / buffer);
        return sync with
        {
            Name = "bench-recsys-network-async",
            Rounds = rounds,
            Evaluation = new EvaluationConfig { EveryRounds = rounds },
            Updates = new UpdatesConfig { Mode = UpdateMode.Async, BufferSize = buffer, Concurrency = Math.Min(parties, 2 * buffer) },
        };
    }

    public static async Task<Result> RunAsync(Settings settings, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var ratingsPath = Path.Combine(settings.WorkDirectory, "ratings.csv");
        var data = WriteFirstUsers(settings.RatingsPath, ratingsPath, settings.Users);
        var split = RatingsSplit.Random(data, 0.2, settings.Seed);
        var partition = Enumerable.Range(1, settings.Processes)
            .SelectMany(share => RatingsParties.Partition(data, $"p{share}", share, settings.Processes, virtualUsers: !settings.Silos))
            .ToList();
        var processes = Enumerable.Range(1, settings.Processes)
            .Select(share => LocalFederation.Party.Ratings($"p{share}", ratingsPath, share, settings.Processes, !settings.Silos, settings.Seed))
            .ToList();
        var run = new BenchRun(settings, data, split, partition, processes, progress);

        var sync = await run.MeasureAsync(Config(settings), cancellationToken);
        var asynchronous = settings.Async ? await run.MeasureAsync(AsyncConfig(settings, partition.Count), cancellationToken) : null;
        return new Result(settings, partition.Count, data.ItemCount, split.Train.Count, sync, asynchronous);
    }

    /// <summary>What every run of one bench shares: the users, their split and partition, and the party processes.</summary>
    private sealed record BenchRun(
        Settings Settings, RatingsData Data, RatingsSplit Split, IReadOnlyList<PartyUsers> Partition, IReadOnlyList<LocalFederation.Party> Processes,
        ProgressContext Progress)
    {
        /// <summary>Runs <paramref name="config"/> in a fresh federation over the network, then the same run in simulation.</summary>
        public async Task<Measured> MeasureAsync(RunConfig config, CancellationToken cancellationToken)
        {
            var mode = config.Updates.Mode == UpdateMode.Async ? "async" : "sync";
            var work = Path.Combine(Settings.WorkDirectory, mode);
            Directory.CreateDirectory(work);
            var joining = Progress.AddTask($"{mode}: starting 1 coordinator + {Settings.Processes} party processes ({Partition.Count} parties)", maxValue: 1);
            var (rounds, runSeconds, usage, runId, loopbackBytes) = await RunOverNetworkAsync(work, config, joining, cancellationToken);
            var staleness = config.Updates.Mode == UpdateMode.Async ? await ReadStalenessAsync(Path.Combine(work, "causeway.db"), runId, cancellationToken) : null;

            // The same run in simulation, once the processes are gone (the two never share the CPU).
            var simulation = Progress.AddTask($"{mode}: the same run in simulation", maxValue: config.Rounds);
            var spec = new RecommenderSpec
            {
                Items = Data.ItemCount,
                Factors = Settings.Factors,
                GlobalMean = (float)Split.Train.MeanRating(),
                MinRating = Split.Train.RatingRange().Min,
                MaxRating = Split.Train.RatingRange().Max,
            };
            var simulator = new RecommendationSimulator(new RecommendationRunOptions
            {
                Spec = spec,
                Plan = config.Recommendation!.ToPlan(),
                Aggregation = ItemAggregation.GradientSum,
                ServerLearningRate = Settings.ServerLearningRate,
                Rounds = config.Rounds,
                Seed = Settings.Seed,
                Buffered = config.Updates.ToBufferedUpdates(),
            });
            var parties = simulator.CreateParties(Split, Partition);
            var simulated = await simulator.RunAsync(parties, new ProgressObserver(simulation), cancellationToken);
            var scores = simulator.Evaluate(parties, simulated.Global, new RankingOptions(), cancellationToken);
            return new Measured(config, rounds, runSeconds, scores.Ratings.Rmse, usage, staleness, loopbackBytes);
        }

        private async Task<(List<Round> Rounds, double RunSeconds, IReadOnlyList<LocalFederation.ProcessUsage> Usage, string RunId, long? LoopbackBytes)> RunOverNetworkAsync(
            string work, RunConfig config, ProgressTask joining, CancellationToken cancellationToken)
        {
            var mode = config.Updates.Mode == UpdateMode.Async ? "async" : "sync";
            using var federation = await LocalFederation.StartAsync(work, "recsys", Processes, cancellationToken, joining: Partition.Count);
            joining.Value = 1;
            var bar = Progress.AddTask(
                string.Create(CultureInfo.InvariantCulture, $"{mode}: {config.Rounds} rounds over the network, {Partition.Count} parties"), maxValue: config.Rounds);
            var started = DateTimeOffset.UtcNow;
            var octetsBefore = ReceivedIpOctets();
            var runId = await federation.Api.StartRunAsync(config.ToJson(), cancellationToken);
            var rounds = new List<Round>();
            var lastClose = started;
            while (true)
            {
                federation.ThrowIfExited();
                var details = await federation.Api.RunAsync(runId, cancellationToken);
                foreach (var round in (details["rounds"]?.AsArray() ?? []).Skip(rounds.Count))
                {
                    var metrics = round!["metrics"]?.AsObject();
                    rounds.Add(new Round(
                        round["round"]!.GetValue<int>(),
                        round["updates"]!.GetValue<int>(),
                        Metric(metrics, "seconds") ?? double.NaN,
                        (long)(Metric(metrics, "bytes") ?? 0),
                        Metric(metrics, "eval_rmse")));
                    lastClose = round["closedAt"]!.GetValue<DateTimeOffset>();
                    bar.Value = rounds.Count;
                }

                var state = details["run"]?["state"]?.GetValue<string>();
                if (state is "Completed")
                {
                    break;
                }

                if (state is "Failed" or "Stopped")
                {
                    throw new InvalidOperationException($"The {mode} run ended {state}: {details["run"]?["error"]}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }

            return (rounds, (lastClose - started).TotalSeconds, federation.Usage(), runId, ReceivedIpOctets() - octetsBefore);
        }
    }

    // IpExt InOctets of /proc/net/netstat: every IP byte this network namespace received, loopback included; null when absent.
    private static long? ReceivedIpOctets()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/net/netstat");
            for (var i = 0; i + 1 < lines.Length; i++)
            {
                if (lines[i].StartsWith("IpExt:", StringComparison.Ordinal))
                {
                    var (names, values) = (lines[i].Split(' '), lines[i + 1].Split(' '));
                    var at = Array.IndexOf(names, "InOctets");
                    return at > 0 && at < values.Length && long.TryParse(values[at], CultureInfo.InvariantCulture, out var octets) ? octets : null;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    // The accepted updates' staleness and the refusals for it, from the run's stored rounds.
    private static async Task<StalenessSummary> ReadStalenessAsync(string database, string runId, CancellationToken cancellationToken)
    {
        await using var store = await SqliteRunStore.OpenAsync(database, null, cancellationToken);
        var versions = (await store.GetRoundsAsync(runId, cancellationToken)).SelectMany(r => r.Parties).Where(p => p.Staleness is not null).ToList();
        var accepted = versions.Where(p => p.Outcome == PartyOutcome.Accepted).Select(p => p.Staleness!.Value).ToList();
        return new StalenessSummary(
            accepted.Count > 0 ? accepted.Average() : 0,
            accepted.Count > 0 ? accepted.Max() : 0,
            versions.Count(p => p.Outcome != PartyOutcome.Accepted && p.StalenessWeight == 0));
    }

    // The first `users` users of the file (in order of first appearance) with every rating of theirs, as user,item,rating.
    private static RatingsData WriteFirstUsers(string source, string destination, int users)
    {
        RatingsData all;
        using (var stream = File.OpenRead(source))
        {
            all = RatingsReader.Read(stream, source);
        }

        if (users > all.UserCount)
        {
            throw new InvalidOperationException($"{source} holds {all.UserCount} users; --users {users} asks for more.");
        }

        var text = new StringBuilder("userId,itemId,rating\n");
        for (var r = 0; r < all.Count; r++)
        {
            if (all.Users[r] < users)
            {
                text.Append(CultureInfo.InvariantCulture, $"{all.UserIds[all.Users[r]]},{all.ItemIds[all.Items[r]]},{all.Ratings[r]}\n");
            }
        }

        File.WriteAllText(destination, text.ToString());
        using var written = File.OpenRead(destination);
        return RatingsReader.Read(written, destination);
    }

    private static double? Metric(JsonObject? metrics, string name) =>
        metrics is not null && metrics.TryGetPropertyValue(name, out var value) && value is not null ? value.GetValue<double>() : null;

    private sealed class ProgressObserver(ProgressTask bar) : IRunObserver
    {
        public ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            bar.Value = summary.Round;
            return ValueTask.CompletedTask;
        }
    }
}
