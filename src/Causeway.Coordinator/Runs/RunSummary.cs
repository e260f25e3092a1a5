namespace Causeway.Coordinator.Runs;

/// <summary>A run's headline.</summary>
/// <param name="Id">The run's id.</param>
/// <param name="State">Where the run is in its life.</param>
/// <param name="Description">Name, strategy, model and rounds.</param>
/// <param name="TotalRounds">The rounds the configuration asks for.</param>
/// <param name="CurrentRound">The round in progress (the active run), else the last closed round.</param>
/// <param name="CompletedRounds">The closed rounds, failed ones included.</param>
/// <param name="DegradedRounds">
/// The closed rounds that failed and left the model unchanged: fewer than round.minResults accepted updates, an aggregation
/// rule that could not aggregate, or no eligible party. Past round.maxDegradedFraction of the rounds, the run fails.
/// </param>
/// <param name="StartedAt">When the run was created.</param>
/// <param name="FinishedAt">When it completed, failed or was stopped; null while it runs or is interrupted.</param>
/// <param name="Error">Why the run failed, was stopped or is interrupted; null otherwise.</param>
public sealed record RunSummary(
    string Id, RunState State, string Description, int TotalRounds, int CurrentRound, int CompletedRounds, int DegradedRounds,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error);
