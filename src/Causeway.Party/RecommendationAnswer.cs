namespace Causeway.Party;

/// <summary>A top-K list for a user, or why there is none.</summary>
/// <param name="Items">The items, best first; null when <paramref name="Problem"/> is set.</param>
/// <param name="Problem">What went wrong, or null.</param>
/// <param name="Reason">The problem in words, or null.</param>
public sealed record RecommendationAnswer(IReadOnlyList<RecommendedItem>? Items, RecommendationProblem? Problem, string? Reason)
{
    public static RecommendationAnswer Of(IReadOnlyList<RecommendedItem> items) => new(items, null, null);

    public static RecommendationAnswer Failed(RecommendationProblem problem, string reason) => new(null, problem, reason);
}
