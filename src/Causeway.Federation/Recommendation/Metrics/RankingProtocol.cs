namespace Causeway.Federation.Recommendation.Metrics;

/// <summary>Which items a held-out item is ranked against.</summary>
public enum RankingProtocol
{
    /// <summary>
    /// He et al. 2017 ("Neural Collaborative Filtering"): each held-out rating's item is ranked against 99 items drawn
    /// uniformly from those the user has not rated (in training or test); one list per held-out rating.
    /// </summary>
    SampledNegatives,

    /// <summary>
    /// Every item the user has not rated in training is ranked; the user's held-out items are the relevant ones; one
    /// list per user with at least one held-out rating.
    /// </summary>
    FullCatalogue,
}
