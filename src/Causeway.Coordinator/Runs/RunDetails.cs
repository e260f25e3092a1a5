namespace Causeway.Coordinator.Runs;

/// <summary>A run with its per-round records.</summary>
public sealed record RunDetails(RunSummary Run, IReadOnlyList<RoundView> Rounds)
{
    /// <summary>The run's ε budget (<c>privacy.epsilonBudget</c>); null when it has none. The rounds report ε spent.</summary>
    public double? EpsilonBudget { get; init; }

    /// <summary>The operator's reference figures (a centralised model's), or null.</summary>
    public RunReference? Reference { get; init; }
}
