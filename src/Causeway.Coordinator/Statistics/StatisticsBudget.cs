using Causeway.Coordinator.Storage;

namespace Causeway.Coordinator.Statistics;

/// <summary>A run's statistics privacy budget as the control API reports it: spent, limit and remaining, for ε and δ.</summary>
public sealed record StatisticsBudget(
    double EpsilonSpent, double EpsilonLimit, double EpsilonRemaining, double DeltaSpent, double DeltaLimit, double DeltaRemaining, int Releases)
{
    internal static StatisticsBudget From(StatisticsBudgetSpent spent, CoordinatorOptions options) => new(
        spent.Epsilon,
        options.StatisticsEpsilonBudget,
        Math.Max(0, options.StatisticsEpsilonBudget - spent.Epsilon),
        spent.Delta,
        options.StatisticsDeltaBudget,
        Math.Max(0, options.StatisticsDeltaBudget - spent.Delta),
        spent.Releases);
}
