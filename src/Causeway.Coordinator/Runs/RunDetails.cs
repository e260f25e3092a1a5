namespace Causeway.Coordinator.Runs;

/// <summary>A run with its per-round records.</summary>
public sealed record RunDetails(RunSummary Run, IReadOnlyList<RoundView> Rounds);
