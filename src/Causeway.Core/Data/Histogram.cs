namespace Causeway.Core.Data;

/// <summary>
/// A fixed-bin histogram over an agreed range [<see cref="Lower"/>, <see cref="Upper"/>]: a mergeable sketch from which
/// the federation reads distributions and quantiles without any party revealing a row.
/// </summary>
/// <remarks>
/// Bin i covers [lo + i·w, lo + (i+1)·w) with w = (hi − lo) / bins; the last bin also holds hi. A value below lo is
/// counted in bin 0 and one above hi in the last bin (and in <see cref="Below"/> / <see cref="Above"/>), so every
/// present value is counted once. Counts are integers, so <see cref="Merge"/> of the parties' histograms equals the
/// histogram of the pooled values exactly. Plain arrays and properties, so System.Text.Json serialises it as is.
/// </remarks>
public sealed record Histogram
{
    public required double Lower { get; init; }

    public required double Upper { get; init; }

    /// <summary>The count of values in each bin.</summary>
    public required long[] Counts { get; init; }

    /// <summary>How many of the counted values lay below <see cref="Lower"/> (and were counted in bin 0).</summary>
    public long Below { get; init; }

    /// <summary>How many of the counted values lay above <see cref="Upper"/> (and were counted in the last bin).</summary>
    public long Above { get; init; }

    /// <summary>The total count.</summary>
    public long Total => Counts.Sum();

    /// <summary>The width of one bin, (hi − lo) / bins.</summary>
    public double Width => (Upper - Lower) / Counts.Length;

    /// <summary>The histogram of the non-NaN values of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">The range is not finite with lo &lt; hi, or there are no bins.</exception>
    public static Histogram Compute(ReadOnlySpan<double> values, double lower, double upper, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        if (!double.IsFinite(lower) || !double.IsFinite(upper) || lower >= upper)
        {
            throw new ArgumentException($"The range [{lower}, {upper}] must be finite with lower < upper.", nameof(lower));
        }

        var counts = new long[bins];
        long below = 0;
        long above = 0;
        var scale = bins / (upper - lower);
        foreach (var x in values)
        {
            if (double.IsNaN(x))
            {
                continue;
            }

            below += x < lower ? 1 : 0;
            above += x > upper ? 1 : 0;
            counts[Math.Clamp((int)Math.Floor((x - lower) * scale), 0, bins - 1)]++;
        }

        return new Histogram { Lower = lower, Upper = upper, Counts = counts, Below = below, Above = above };
    }

    /// <summary>The histogram of the union of the parts' values; they must share the range and the bin count.</summary>
    /// <exception cref="ArgumentException">No parts, or parts over different ranges or bin counts.</exception>
    public static Histogram Merge(IEnumerable<Histogram> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one histogram is needed.", nameof(parts));
        }

        var first = list[0];
        if (list.FirstOrDefault(p => p.DescribeMismatch(first) is not null) is { } other)
        {
            throw new ArgumentException($"Histograms cannot be merged: {other.DescribeMismatch(first)}.", nameof(parts));
        }

        var counts = new long[first.Counts.Length];
        foreach (var part in list)
        {
            for (var i = 0; i < counts.Length; i++)
            {
                counts[i] += part.Counts[i];
            }
        }

        return first with { Counts = counts, Below = list.Sum(p => p.Below), Above = list.Sum(p => p.Above) };
    }

    /// <summary>Why this histogram cannot be merged with the other; null when it can.</summary>
    public string? DescribeMismatch(Histogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Lower != other.Lower || Upper != other.Upper || Counts.Length != other.Counts.Length
            ? $"range [{Lower}, {Upper}] with {Counts.Length} bins differs from [{other.Lower}, {other.Upper}] with {other.Counts.Length} bins"
            : null;
    }

    /// <summary>The estimated q-quantile of the counted values.</summary>
    /// <remarks>
    /// The target is the lower empirical quantile, the k-th smallest value with k = max(1, ⌈q·n⌉). The estimate finds the
    /// bin holding the k-th count and interpolates linearly inside it. Error bound: when the true quantile lies in
    /// [lo, hi], it lies in that same bin, so |estimate − true| ≤ <see cref="Width"/> = (hi − lo) / bins. A quantile of
    /// values clamped from outside the range is reported at the range's edge bin.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">q is not in [0, 1].</exception>
    /// <exception cref="InvalidOperationException">The histogram is empty.</exception>
    public double Quantile(double q)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(q, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(q, 1.0);
        var total = Total;
        if (total == 0)
        {
            throw new InvalidOperationException("An empty histogram has no quantiles.");
        }

        var k = Math.Max(1L, (long)Math.Ceiling(q * total));
        long before = 0;
        for (var i = 0; i < Counts.Length; i++)
        {
            if (before + Counts[i] >= k)
            {
                var fraction = (k - before) / (double)Counts[i];
                return Lower + ((i + fraction) * Width);
            }

            before += Counts[i];
        }

        return Upper;
    }

    public bool Equals(Histogram? other) =>
        other is not null && Lower == other.Lower && Upper == other.Upper && Below == other.Below && Above == other.Above
        && Counts.SequenceEqual(other.Counts);

    public override int GetHashCode() => HashCode.Combine(Lower, Upper, Counts.Length, Below, Above);
}
