namespace Causeway.Federation.Recommendation.Metrics;

/// <summary>How held-out items are ranked when a recommender is scored. Defaults are stated per property.</summary>
public sealed record RankingOptions
{
    /// <summary>The list length K. Default 10.</summary>
    public int K { get; init; } = 10;

    /// <summary>Sampled negatives per held-out item under <see cref="RankingProtocol.SampledNegatives"/>. Default 99 (He et al. 2017).</summary>
    public int Negatives { get; init; } = 99;

    /// <summary>
    /// Also rank the whole catalogue for every user (<see cref="RankingProtocol.FullCatalogue"/>): users × items dot
    /// products, so off for very large runs. Default true.
    /// </summary>
    public bool FullCatalogue { get; init; } = true;
}
