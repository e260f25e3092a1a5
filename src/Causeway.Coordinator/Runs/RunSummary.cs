namespace Causeway.Coordinator.Runs;

/// <summary>A run's headline.</summary>
public sealed record RunSummary(
    string Id, RunState State, string Description, int TotalRounds, int CurrentRound, int CompletedRounds,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error);
