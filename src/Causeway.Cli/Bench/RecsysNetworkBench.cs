using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
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
/// session per user) or as one silo, then the same run in simulation, to compare RMSE.
/// </summary>
/// <remarks>
/// The ratings are the first <see cref="Settings.Users"/> users of the file (in file order), written to the bench's
/// folder; every process reads that file and keeps its share (<see cref="RatingsParties"/>). Rounds per second is the
/// number of rounds over the time from the run's start to its last close (the last round holds the federated
/// evaluation); bytes per party and round is a round's update bytes over its updates (median over the rounds).
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

    /// <param name="Settings">What ran.</param>
    /// <param name="Config">The run's configuration.</param>
    /// <param name="Parties">The parties that joined.</param>
    /// <param name="Items">The catalogue's size.</param>
    /// <param name="Ratings">Training ratings over all parties.</param>
    /// <param name="Rounds">Every closed round.</param>
    /// <param name="RunSeconds">From the run's start to its last close.</param>
    /// <param name="SimulatedRmse">The same run in simulation, scored where the users are.</param>
    /// <param name="Usage">CPU and peak memory per process.</param>
    public sealed record Result(
        Settings Settings, RunConfig Config, int Parties, int Items, int Ratings, IReadOnlyList<Round> Rounds, double RunSeconds, double SimulatedRmse,
        IReadOnlyList<LocalFederation.ProcessUsage> Usage)
    {
        public double RoundsPerSecond => Rounds.Count / RunSeconds;

        public double BytesPerPartyPerRound => Quantiles.Of(Rounds.Where(r => r.Updates > 0).Select(r => (double)r.Bytes / r.Updates), 0.5);

        public double? NetworkRmse => Rounds.LastOrDefault(r => r.Rmse is not null)?.Rmse;

        public JsonObject ToJson() => new()
        {
            ["users"] = Settings.Users,
            ["processes"] = Settings.Processes,
            ["partition"] = Settings.Silos ? "silos" : "virtual-users",
            ["parties"] = Parties,
            ["items"] = Items,
            ["train_ratings"] = Ratings,
            ["rounds"] = Settings.Rounds,
            ["aggregation"] = "sync",
            ["config"] = JsonNode.Parse(Config.ToJson()),
            ["ratings_file"] = Settings.RatingsPath,
            ["run_seconds"] = RunSeconds,
            ["rounds_per_second"] = RoundsPerSecond,
            ["bytes_per_party_per_round"] = BytesPerPartyPerRound,
            ["rmse"] = NetworkRmse,
            ["simulated_rmse"] = SimulatedRmse,
            ["processes_usage"] = new JsonArray([.. Usage.Select(u => (JsonNode)new JsonObject
            {
                ["name"] = u.Name,
                ["cpu_seconds"] = u.CpuSeconds,
                ["peak_rss_mb"] = u.PeakResidentBytes / 1e6,
            })]),
            ["per_round"] = new JsonArray([.. Rounds.Select(r => (JsonNode)new JsonObject
            {
                ["round"] = r.Number,
                ["updates"] = r.Updates,
                ["seconds"] = r.Seconds,
                ["bytes"] = r.Bytes,
                ["rmse"] = r.Rmse,
            })]),
        };
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
        var config = Config(settings);

        var joining = progress.AddTask($"starting 1 coordinator + {settings.Processes} party processes ({partition.Count} parties)", maxValue: 1);
        var processes = Enumerable.Range(1, settings.Processes)
            .Select(share => LocalFederation.Party.Ratings($"p{share}", ratingsPath, share, settings.Processes, !settings.Silos, settings.Seed))
            .ToList();
        var (rounds, runSeconds, usage) = await RunOverNetworkAsync(settings, config, processes, partition.Count, joining, progress, cancellationToken);

        // The same run in simulation, once the processes are gone (the two never share the CPU).
        var simulation = progress.AddTask("the same run in simulation", maxValue: settings.Rounds);
        var spec = new RecommenderSpec
        {
            Items = data.ItemCount,
            Factors = settings.Factors,
            GlobalMean = (float)split.Train.MeanRating(),
            MinRating = split.Train.RatingRange().Min,
            MaxRating = split.Train.RatingRange().Max,
        };
        var simulator = new RecommendationSimulator(new RecommendationRunOptions
        {
            Spec = spec,
            Plan = config.Recommendation!.ToPlan(),
            Aggregation = ItemAggregation.GradientSum,
            ServerLearningRate = settings.ServerLearningRate,
            Rounds = settings.Rounds,
            Seed = settings.Seed,
        });
        var parties = simulator.CreateParties(split, partition);
        var simulated = await simulator.RunAsync(parties, new ProgressObserver(simulation), cancellationToken);
        var scores = simulator.Evaluate(parties, simulated.Global, new RankingOptions(), cancellationToken);
        return new Result(settings, config, partition.Count, data.ItemCount, split.Train.Count, rounds, runSeconds, scores.Ratings.Rmse, usage);
    }

    private static async Task<(List<Round> Rounds, double RunSeconds, IReadOnlyList<LocalFederation.ProcessUsage> Usage)> RunOverNetworkAsync(
        Settings settings, RunConfig config, IReadOnlyList<LocalFederation.Party> processes, int parties, ProgressTask joining, ProgressContext progress,
        CancellationToken cancellationToken)
    {
        using var federation = await LocalFederation.StartAsync(settings.WorkDirectory, "recsys", processes, cancellationToken, joining: parties);
        joining.Value = 1;
        var bar = progress.AddTask(string.Create(CultureInfo.InvariantCulture, $"{settings.Rounds} rounds over the network, {parties} parties"), maxValue: settings.Rounds);
        var started = DateTimeOffset.UtcNow;
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
                throw new InvalidOperationException($"The run ended {state}: {details["run"]?["error"]}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        return (rounds, (lastClose - started).TotalSeconds, federation.Usage());
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
