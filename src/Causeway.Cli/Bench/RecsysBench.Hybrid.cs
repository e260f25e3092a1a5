using System.Text.Json.Nodes;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Simulation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// The hybrid half of <c>bench recsys</c>: the gradient-sum MF again with genre vectors (<see cref="RecommenderSpec.Genres"/>),
/// and both scored on the held-out ratings of cold items and cold users, so the figure compares the two in one run.
/// </summary>
internal static partial class RecsysBench
{
    /// <summary>Items with at most this many training ratings are cold (0: new items).</summary>
    public const int ColdItemRatings = 5;

    /// <summary>Users with at most this many training ratings are cold.</summary>
    public const int ColdUserRatings = 20;

    /// <summary>The RMSE of held-out subsets that cold start is about, with their sizes.</summary>
    /// <param name="NewItems">Items with no training rating.</param>
    /// <param name="ColdItems">Items with 1 to <see cref="ColdItemRatings"/> training ratings.</param>
    /// <param name="ColdUsers">Users with at most <see cref="ColdUserRatings"/> training ratings.</param>
    public sealed record ColdStart(RatingErrors NewItems, RatingErrors ColdItems, RatingErrors ColdUsers)
    {
        public JsonObject ToJson() => new()
        {
            ["new_items_rmse"] = Finite(NewItems.Rmse),
            ["new_items_ratings"] = NewItems.Count,
            ["cold_items_rmse"] = Finite(ColdItems.Rmse),
            ["cold_items_ratings"] = ColdItems.Count,
            ["cold_item_max_train_ratings"] = ColdItemRatings,
            ["cold_users_rmse"] = Finite(ColdUsers.Rmse),
            ["cold_users_ratings"] = ColdUsers.Count,
            ["cold_user_max_train_ratings"] = ColdUserRatings,
        };
    }

    /// <summary>The genres of the rated items, from the movies file next to the ratings; null when the bench has no genres to use.</summary>
    public static ItemGenres? LoadGenres(Settings settings, Dataset data)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(data);
        if (settings.GenresPath is not { } path)
        {
            return null;
        }

        using var reader = File.OpenText(path);
        return ItemGenres.ReadMovieLens(reader, path, data.Ratings.ItemIds);
    }

    /// <summary>The hybrid run (gradient sum with genres) beside the plain gradient sum of the same settings.</summary>
    private static async Task AddHybridRunAsync(
        List<Run> runs, RecommenderSpec mf, ItemGenres genres, RatingsSplit split, IReadOnlyList<PartyUsers> partition, Settings settings, RankingOptions ranking, ProgressContext progress, CancellationToken cancellationToken)
    {
        if (!settings.Modes.Contains(ItemAggregation.GradientSum))
        {
            var plain = FederatedMf(mf, ItemAggregation.GradientSum, settings);
            runs.Add(await FederatedAsync("MF federated, gradient sum", plain, split, partition, settings, ranking, progress, cancellationToken).ConfigureAwait(false));
        }

        var hybrid = FederatedMf(mf with { Genres = genres }, ItemAggregation.GradientSum, settings);
        runs.Add(await FederatedAsync($"MF federated, gradient sum, hybrid ({genres.Count} genres)", hybrid, split, partition, settings, ranking, progress, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Scores the cold subsets where the users are.</summary>
    private static ColdStart ScoreColdStart(RecommendationSimulator simulator, IReadOnlyList<RecommendationParty> parties, Causeway.Core.Tensors.ParameterSet global, RatingsSplit split)
    {
        var counts = new int[split.Train.ItemCount];
        foreach (var item in split.Train.Items)
        {
            counts[item]++;
        }

        return new ColdStart(
            simulator.EvaluateRatings(parties, global, new RatingSubset([.. counts.Select(c => c == 0)])),
            simulator.EvaluateRatings(parties, global, new RatingSubset([.. counts.Select(c => c is > 0 and <= ColdItemRatings)])),
            simulator.EvaluateRatings(parties, global, new RatingSubset(MaxUserTrainRatings: ColdUserRatings)));
    }

    /// <summary>The hybrid against the plain gradient sum on every cold subset: RMSE of each and the hybrid's change.</summary>
    public static JsonObject? HybridComparison(Result result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var hybrid = result.Runs.FirstOrDefault(r => r.Federated?.Spec.Genres is not null);
        var plain = result.Runs.FirstOrDefault(r => r.Federated is { } f && f.Spec.Genres is null && f.Aggregation == ItemAggregation.GradientSum
            && r.Protection is null && r.Dp is null && r.Kind == RecommenderKind.MatrixFactorization);
        if (hybrid?.ColdStart is not { } h || plain?.ColdStart is not { } p)
        {
            return null;
        }

        JsonObject Pair(RatingErrors hybridErrors, RatingErrors plainErrors) => new()
        {
            ["ratings"] = hybridErrors.Count,
            ["hybrid_rmse"] = Finite(hybridErrors.Rmse),
            ["plain_rmse"] = Finite(plainErrors.Rmse),
            ["change_percent"] = Finite((hybridErrors.Rmse / plainErrors.Rmse - 1) * 100),
        };

        return new JsonObject
        {
            ["genres"] = hybrid.Federated!.Spec.Genres!.Count,
            ["all"] = Pair(hybrid.Scores.Ratings, plain.Scores.Ratings),
            ["new_items"] = Pair(h.NewItems, p.NewItems),
            ["cold_items"] = Pair(h.ColdItems, p.ColdItems),
            ["cold_users"] = Pair(h.ColdUsers, p.ColdUsers),
            ["hybrid_hr_at_10"] = Finite(hybrid.Scores.Sampled.HitRate),
            ["plain_hr_at_10"] = Finite(plain.Scores.Sampled.HitRate),
            ["hybrid_ndcg_at_10"] = Finite(hybrid.Scores.Sampled.Ndcg),
            ["plain_ndcg_at_10"] = Finite(plain.Scores.Sampled.Ndcg),
        };
    }

    /// <summary>The issue's cold-start target: the hybrid rates new and cold items better than plain factors, in the same run.</summary>
    public static JsonObject? HybridTarget(Result result)
    {
        if (HybridComparison(result) is not { } comparison)
        {
            return null;
        }

        var newItems = (double?)comparison["new_items"]!["change_percent"];
        var coldItems = (double?)comparison["cold_items"]!["change_percent"];
        return new JsonObject
        {
            ["target"] = "hybrid (genres) gives new and cold items (few training ratings) a lower RMSE than plain MF, same run",
            ["met"] = newItems < 0 && coldItems < 0,
            ["detail"] = string.Create(
                Invariant,
                $"new items {(double?)comparison["new_items"]!["hybrid_rmse"]:F4} vs {(double?)comparison["new_items"]!["plain_rmse"]:F4} ({newItems:+0.0;-0.0} %), cold items {(double?)comparison["cold_items"]!["hybrid_rmse"]:F4} vs {(double?)comparison["cold_items"]!["plain_rmse"]:F4} ({coldItems:+0.0;-0.0} %)"),
        };
    }

    public static void WriteHybridTable(Result result)
    {
        if (HybridComparison(result) is not { } comparison)
        {
            return;
        }

        var table = new Table()
            .Title($"Hybrid (factors + {comparison["genres"]} genre vectors) vs plain factors, gradient sum, same run: held-out RMSE")
            .AddColumns("ratings of", "count", "hybrid RMSE", "plain RMSE", "change");
        foreach (var (key, name) in new[] { ("all", "every item and user"), ("new_items", "new items (0 training ratings)"), ("cold_items", $"cold items (1-{ColdItemRatings})"), ("cold_users", $"cold users (<= {ColdUserRatings})") })
        {
            var row = comparison[key]!;
            table.AddRow(
                name,
                ((long?)row["ratings"])?.ToString("N0", Invariant) ?? "-",
                ((double?)row["hybrid_rmse"])?.ToString("F4", Invariant) ?? "-",
                ((double?)row["plain_rmse"])?.ToString("F4", Invariant) ?? "-",
                ((double?)row["change_percent"])?.ToString("+0.00;-0.00;0.00", Invariant) + " %");
        }

        AnsiConsole.Write(table);
    }
}
