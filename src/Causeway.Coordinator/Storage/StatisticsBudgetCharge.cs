namespace Causeway.Coordinator.Storage;

/// <summary>The outcome of charging a statistics release to its run's budget.</summary>
/// <param name="Accepted">True when the release fitted the budget and was recorded.</param>
/// <param name="Spent">The run's spending afterwards: including this release when accepted, unchanged when not.</param>
public sealed record StatisticsBudgetCharge(bool Accepted, StatisticsBudgetSpent Spent);
