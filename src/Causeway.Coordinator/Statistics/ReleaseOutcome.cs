namespace Causeway.Coordinator.Statistics;

/// <summary>The outcome of a release request: the noisy statistics and the budget after them, or the HTTP status and reason of the refusal.</summary>
internal readonly record struct ReleaseOutcome(ReleasedStatistics? Released, StatisticsBudget? Budget, int Status, string? Error)
{
    public static ReleaseOutcome Refused(int status, string error) => new(null, null, status, error);
}
