namespace Causeway.Federation.Recommendation.Metrics;

/// <summary>
/// Sums of <see cref="ListMetrics"/> over ranked lists (one per user, or one per held-out rating under the sampled
/// protocol), which add across parties; the reported figure is the mean over lists.
/// </summary>
public readonly record struct RankingTotals(long Lists, double HitSum, double NdcgSum, double PrecisionSum, double RecallSum)
{
    /// <summary>HR@K: the share of lists with a relevant item in the top K; NaN for no lists.</summary>
    public double HitRate => Mean(HitSum);

    /// <summary>Mean NDCG@K; NaN for no lists.</summary>
    public double Ndcg => Mean(NdcgSum);

    /// <summary>Mean precision@K; NaN for no lists.</summary>
    public double Precision => Mean(PrecisionSum);

    /// <summary>Mean recall@K; NaN for no lists.</summary>
    public double Recall => Mean(RecallSum);

    /// <summary>These totals with one more list.</summary>
    public RankingTotals Add(ListMetrics list) =>
        new(Lists + 1, HitSum + list.Hit, NdcgSum + list.Ndcg, PrecisionSum + list.Precision, RecallSum + list.Recall);

    /// <summary>The totals of two disjoint sets of lists (two parties').</summary>
    public RankingTotals Combine(RankingTotals other) =>
        new(Lists + other.Lists, HitSum + other.HitSum, NdcgSum + other.NdcgSum, PrecisionSum + other.PrecisionSum, RecallSum + other.RecallSum);

    private double Mean(double sum) => Lists == 0 ? double.NaN : sum / Lists;
}
