namespace Causeway.Coordinator.Storage;

/// <summary>What a run's released statistics have spent so far: the sums of the ε and δ of its releases (basic composition).</summary>
/// <param name="Epsilon">Σ ε over the releases.</param>
/// <param name="Delta">Σ δ over the releases.</param>
/// <param name="Releases">How many releases were charged.</param>
public sealed record StatisticsBudgetSpent(double Epsilon, double Delta, int Releases)
{
    /// <summary>Nothing released yet.</summary>
    public static StatisticsBudgetSpent None { get; } = new(0, 0, 0);

    /// <summary>
    /// True when this spending is within the limits. Sums of doubles drift (five releases of ε = 0.2 add up to
    /// 1.0000000000000002), so a relative 1e-9 over a limit still fits.
    /// </summary>
    public bool FitsWithin(double epsilonLimit, double deltaLimit) =>
        Epsilon <= epsilonLimit * (1 + 1e-9) && Delta <= deltaLimit * (1 + 1e-9);

    /// <summary>This spending plus one more release.</summary>
    public StatisticsBudgetSpent Add(StatisticsReleaseCost release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return new StatisticsBudgetSpent(Epsilon + release.Epsilon, Delta + release.Delta, Releases + 1);
    }
}
