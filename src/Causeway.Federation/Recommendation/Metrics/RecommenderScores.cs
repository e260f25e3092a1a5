namespace Causeway.Federation.Recommendation.Metrics;

/// <summary>A recommender's held-out quality: rating errors, and top-K metrics under both ranking protocols.</summary>
/// <param name="Ratings">RMSE and MAE sums (meaningful for matrix factorisation; BPR scores are not ratings).</param>
/// <param name="Sampled">Top-K sums, each held-out item against sampled negatives.</param>
/// <param name="Full">Top-K sums over the full catalogue, or null when not computed.</param>
public sealed record RecommenderScores(RatingErrors Ratings, RankingTotals Sampled, RankingTotals? Full);
