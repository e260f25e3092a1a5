namespace Causeway.Cli.Bench;

/// <summary>The order statistics the benches report.</summary>
internal static class Quantiles
{
    /// <summary>The q-quantile by linear interpolation between order statistics; NaN for no values.</summary>
    public static double Of(IEnumerable<double> values, double q)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }

    /// <summary>The median (the mean of the two middle values for an even count); NaN for no values.</summary>
    public static double Median(IEnumerable<double> values) => Of(values, 0.5);
}
