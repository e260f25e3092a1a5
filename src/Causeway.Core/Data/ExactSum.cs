using System.Diagnostics;

namespace Causeway.Core.Data;

/// <summary>
/// A sum of doubles kept without rounding error, as a list of non-overlapping partial sums (Shewchuk, "Adaptive
/// Precision Floating-Point Arithmetic and Fast Robust Geometric Predicates", 1997; the algorithm of Python's
/// <c>math.fsum</c>).
/// </summary>
/// <remarks>
/// Because nothing is rounded until <see cref="Value"/>, which returns the correctly rounded exact total, the result
/// does not depend on the order of the terms or on how they were split between parties: merging per-party sums gives
/// bit for bit the sum of the concatenated data. Inputs must be finite.
/// </remarks>
/// <param name="Partials">Non-overlapping partial sums, smallest magnitude first. Their exact total is the sum.</param>
public sealed record ExactSum(double[] Partials)
{
    /// <summary>The empty sum.</summary>
    public static ExactSum Zero { get; } = new([]);

    /// <summary>The exact total, rounded once to the nearest double (ties to even). Not written to JSON: the partials are the sum.</summary>
    /// <remarks>The partials are re-normalised first, so partials from a peer that are unordered or overlapping still give the exact total.</remarks>
    [System.Text.Json.Serialization.JsonIgnore]
    public double Value
    {
        get
        {
            var normalised = new List<double>(Partials.Length);
            foreach (var partial in Partials)
            {
                Add(normalised, partial);
            }

            return Round(normalised);
        }
    }

    /// <summary>The exact sum of the values.</summary>
    public static ExactSum Of(ReadOnlySpan<double> values)
    {
        var partials = new List<double>();
        foreach (var value in values)
        {
            Add(partials, value);
        }

        return new ExactSum([.. partials]);
    }

    /// <summary>The exact sum of several exact sums.</summary>
    public static ExactSum Sum(IEnumerable<ExactSum> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var partials = new List<double>();
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part);
            foreach (var value in part.Partials)
            {
                Add(partials, value);
            }
        }

        return new ExactSum([.. partials]);
    }

    public bool Equals(ExactSum? other) => other is not null && Value.Equals(other.Value);

    public override int GetHashCode() => Value.GetHashCode();

    /// <summary>Adds x to the expansion without error (two-sum on each partial).</summary>
    internal static void Add(List<double> partials, double x)
    {
        if (!double.IsFinite(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "An exact sum needs finite values.");
        }

        var i = 0;
        for (var j = 0; j < partials.Count; j++)
        {
            var y = partials[j];
            if (Math.Abs(x) < Math.Abs(y))
            {
                (x, y) = (y, x);
            }

            var hi = x + y;
            var lo = y - (hi - x);
            if (lo != 0.0)
            {
                partials[i++] = lo;
            }

            x = hi;
        }

        if (!double.IsFinite(x))
        {
            throw new OverflowException("The sum exceeds the double range.");
        }

        partials.RemoveRange(i, partials.Count - i);
        partials.Add(x);
    }

    private static double Round(List<double> partials)
    {
        // Sum from the largest partial down until the rounding becomes inexact, then correct a half-way case
        // (as in CPython's math.fsum), which makes the result the correctly rounded exact total.
        var n = partials.Count;
        if (n == 0)
        {
            return 0.0;
        }

        var hi = partials[--n];
        var lo = 0.0;
        while (n > 0)
        {
            var x = hi;
            var y = partials[--n];
            hi = x + y;
            var yr = hi - x;
            lo = y - yr;
            if (lo != 0.0)
            {
                break;
            }
        }

        if (n > 0 && ((lo < 0.0 && partials[n - 1] < 0.0) || (lo > 0.0 && partials[n - 1] > 0.0)))
        {
            var y = lo * 2.0;
            var x = hi + y;
            var yr = x - hi;
            if (y == yr)
            {
                hi = x;
            }
        }

        Debug.Assert(double.IsFinite(hi), "Partials are finite, and so is their rounded total.");
        return hi;
    }
}
