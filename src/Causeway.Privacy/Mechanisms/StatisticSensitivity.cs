namespace Causeway.Privacy.Mechanisms;

/// <summary>
/// Sensitivities of common statistics under add/remove-one-record adjacency (a record's value clamped to
/// [lower, upper] before the statistic is computed), for the caller to pass to a mechanism.
/// </summary>
public static class StatisticSensitivity
{
    /// <summary>A count changes by 1.</summary>
    public const double Count = 1;

    /// <summary>A histogram with one bin per record: one bin changes by 1, so both L1 and L2 sensitivity are 1.</summary>
    public const double Histogram = 1;

    /// <summary>A sum of values clamped to [lower, upper] changes by at most max(|lower|, |upper|).</summary>
    public static double Sum(double lower, double upper)
    {
        Range(lower, upper);
        return Math.Max(Math.Abs(lower), Math.Abs(upper));
    }

    /// <summary>
    /// The mean of <paramref name="count"/> values clamped to [lower, upper], when the count is public and one
    /// record's value is replaced: (upper − lower) / count.
    /// </summary>
    public static double Mean(double lower, double upper, long count)
    {
        Range(lower, upper);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return (upper - lower) / count;
    }

    private static void Range(double lower, double upper)
    {
        MechanismGuards.Finite(lower, nameof(lower));
        MechanismGuards.Finite(upper, nameof(upper));
        if (!(upper > lower))
        {
            throw new ArgumentOutOfRangeException(nameof(upper), upper, "The upper bound must be above the lower bound.");
        }
    }
}
