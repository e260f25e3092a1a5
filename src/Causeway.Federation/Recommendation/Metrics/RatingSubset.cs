namespace Causeway.Federation.Recommendation.Metrics;

/// <summary>
/// Which held-out ratings an evaluation scores: those of the chosen items, by users with at most so many training
/// ratings. Cold-start figures use it (items or users with few training ratings).
/// </summary>
/// <param name="Items">Per catalogue item, whether its held-out ratings count; null for every item.</param>
/// <param name="MaxUserTrainRatings">Only users with at most this many training ratings count.</param>
public sealed record RatingSubset(IReadOnlyList<bool>? Items = null, int MaxUserTrainRatings = int.MaxValue)
{
    /// <summary>Every held-out rating.</summary>
    public static RatingSubset All { get; } = new();
}
