using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Party;
using Spectre.Console;

namespace Causeway.Cli.Composition;

/// <summary>
/// The recommendation demo: the bundled MovieLens ratings dealt to a few shops, each a <c>causeway party --ratings</c>
/// process with its own recommendation endpoint, a coordinator, HTTP/2 + TLS on loopback; a federated matrix
/// factorisation run, then the centralised model on the pooled ratings, then one user's list computed at their shop.
/// </summary>
internal static class RecsysDemo
{
    /// <param name="Shops">Party processes, each a shop holding its share of the users.</param>
    /// <param name="Rounds">Federated rounds.</param>
    /// <param name="User">The user whose recommendations are shown.</param>
    /// <param name="WorkDirectory">The demo's own folder (a <see cref="WorkFolder"/>).</param>
    /// <param name="Seed">The split, the model and the rounds.</param>
    public sealed record Options(int Shops, int Rounds, string User, string WorkDirectory, ulong Seed);

    /// <param name="FederatedRmse">RMSE of the held-out ratings, scored at the shops.</param>
    /// <param name="CentralizedRmse">The same model trained on the pooled ratings (Surprise's plan: 20 epochs).</param>
    /// <param name="Rounds">Rounds run.</param>
    /// <param name="FederatedSeconds">From the run's start to its completion.</param>
    /// <param name="CentralizedSeconds">Centralised training and scoring.</param>
    /// <param name="Shop">The shop holding the user.</param>
    /// <param name="Recommendations">The user's list, computed at their shop.</param>
    /// <param name="Popular">The popular items across the shops with (0.5, 1e-7)-DP, as item ids, noisy counts and (demo only, from the pooled file) true rating counts, best first.</param>
    /// <param name="PopularNoise">The standard deviation of the noise on each summed count (σ per shop × √shops).</param>
    public sealed record Outcome(
        double? FederatedRmse, double CentralizedRmse, int Rounds, double FederatedSeconds, double CentralizedSeconds, string Shop, IReadOnlyList<RecommendationServer.ItemScore> Recommendations,
        IReadOnlyList<(string Item, double NoisyCount, int TrueCount)> Popular, double PopularNoise)
    {
        public JsonObject ToJson() => new()
        {
            ["federated_rmse"] = FederatedRmse,
            ["centralized_rmse"] = CentralizedRmse,
            ["rounds"] = Rounds,
            ["federated_seconds"] = FederatedSeconds,
            ["centralized_seconds"] = CentralizedSeconds,
            ["shop"] = Shop,
            ["recommendations"] = new JsonArray([.. Recommendations.Select(r => (JsonNode)new JsonObject { ["item"] = r.Item, ["score"] = r.Score })]),
            ["popular_dp"] = new JsonArray([.. Popular.Select(p => (JsonNode)new JsonObject { ["item"] = p.Item, ["noisy_count"] = p.NoisyCount, ["ratings"] = p.TrueCount })]),
            ["popular_noise_stddev"] = PopularNoise,
        };
    }

    public static RunConfig Config(Options options) => new()
    {
        Name = "recsys-demo",
        Seed = options.Seed,
        Rounds = options.Rounds,
        Strategy = new StrategyConfig { Name = StrategyKind.FedAvg, ServerLearningRate = 0.005f },
        Round = new RoundConfig { DeadlineSeconds = 120, MinResults = options.Shops },
        Evaluation = new EvaluationConfig { EveryRounds = options.Rounds },
        Recommendation = new RecommendationConfig { Factors = 32, Aggregation = ItemAggregation.GradientSum, Epochs = 1, UserEpochs = 1 },
    };

    public static async Task<Outcome> RunAsync(Options options, string ratingsPath, CancellationToken cancellationToken)
    {
        RatingsData data;
        using (var stream = File.OpenRead(ratingsPath))
        {
            data = RatingsReader.Read(stream, ratingsPath);
        }

        var user = data.UserIds.ToList().IndexOf(options.User);
        if (user < 0)
        {
            throw new InvalidOperationException($"--user {options.User} is not in {ratingsPath}.");
        }

        var shop = (user % options.Shops) + 1;
        var ports = Enumerable.Range(0, options.Shops).Select(_ => LocalFederation.FreePort()).ToList();
        var processes = Enumerable.Range(1, options.Shops)
            .Select(i => LocalFederation.Party.Ratings($"shop-{i}", ratingsPath, i, options.Shops, virtualUsers: false, options.Seed) is var party
                ? party with { Arguments = [.. party.Arguments, "--serve", $"127.0.0.1:{ports[i - 1]}"] }
                : null!)
            .ToList();
        var config = Config(options);
        AnsiConsole.MarkupLine(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"MovieLens latest-small: {data.UserCount} users, {data.ItemCount:N0} movies, {data.Count:N0} ratings dealt to {options.Shops} shops; 1 coordinator + {options.Shops} shop processes, HTTP/2 + TLS on 127.0.0.1")));
        using var federation = await LocalFederation.StartAsync(options.WorkDirectory, "recsys-demo", processes, cancellationToken);
        AnsiConsole.MarkupLine(Markup.Escape($"every shop joined the coordinator at {federation.Coordinator}; ratings and users' vectors stay at the shops"));

        var clock = Stopwatch.StartNew();
        var runId = await federation.Api.StartRunAsync(config.ToJson(), cancellationToken);
        var (rounds, rmse) = await FollowAsync(federation, runId, options.Rounds, cancellationToken);
        var federatedSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var split = RatingsSplit.Random(data, 0.2, options.Seed);
        var (min, max) = split.Train.RatingRange();
        var spec = new RecommenderSpec { Items = data.ItemCount, Factors = 32, GlobalMean = (float)split.Train.MeanRating(), MinRating = min, MaxRating = max };
        var centralized = await Task.Run(
            () => CentralizedRecommender.Train(PartyRatings.All(split), spec, new RecommendationPlan(), options.Seed, null, cancellationToken).Evaluate(new RankingOptions(), options.Seed),
            cancellationToken);
        var centralizedSeconds = clock.Elapsed.TotalSeconds;

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports[shop - 1]}/"), Timeout = TimeSpan.FromSeconds(30) };
        var list = await http.GetFromJsonAsync<RecommendationServer.RecommendationsResponse>(
            new Uri($"recommendations/{Uri.EscapeDataString(options.User)}?k=10", UriKind.Relative), cancellationToken)
            ?? throw new InvalidOperationException($"shop-{shop} answered no list for user {options.User}.");

        // Popular across the shops: each shop noises its per-user-clipped counts; the coordinator adds them (docs/recommendation.md).
        var popular = await federation.Api.ReleasePopularItemsAsync(runId, """{"epsilon": 0.5, "delta": 1e-7, "maxItemsPerUser": 50, "top": 10}""", cancellationToken);
        var ratingCounts = new int[data.ItemCount];
        foreach (var item in data.Items)
        {
            ratingCounts[item]++;
        }

        var items = popular["release"]!["items"]!.AsArray()
            .Select(i => i!["row"]!.GetValue<int>() is var row ? (data.ItemIds[row], i["noisyCount"]!.GetValue<double>(), ratingCounts[row]) : default)
            .ToList();
        var noise = popular["release"]!["noiseStandardDeviation"]!.GetValue<double>() * Math.Sqrt(popular["release"]!["partiesAnswered"]!.GetValue<int>());
        return new Outcome(rmse, centralized.Ratings.Rmse, rounds, federatedSeconds, centralizedSeconds, $"shop-{shop}", list.Items, items, noise);
    }

    private static async Task<(int Rounds, double? Rmse)> FollowAsync(LocalFederation federation, string runId, int totalRounds, CancellationToken cancellationToken)
    {
        var closed = 0;
        double? rmse = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bar = context.AddTask($"federated MF, {totalRounds} rounds", maxValue: totalRounds);
                while (true)
                {
                    federation.ThrowIfExited();
                    var details = await federation.Api.RunAsync(runId, cancellationToken);
                    var rounds = details["rounds"]?.AsArray() ?? [];
                    closed = rounds.Count;
                    bar.Value = closed;
                    if (rounds.LastOrDefault()?["metrics"]?["eval_rmse"] is { } value)
                    {
                        rmse = value.GetValue<double>();
                    }

                    var state = details["run"]?["state"]?.GetValue<string>();
                    if (state is "Completed")
                    {
                        return;
                    }

                    if (state is "Failed" or "Stopped")
                    {
                        throw new InvalidOperationException($"The run ended {state}: {details["run"]?["error"]}");
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
                }
            });
        return (closed, rmse);
    }
}
