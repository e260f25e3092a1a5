namespace Causeway.Federation.Horizontal;

/// <summary>
/// Uniform sampling without replacement of a fraction of the available parties (FedAvg's client sampling,
/// McMahan et al. 2017).
/// </summary>
/// <remarks>
/// Selects <c>min(available, max(minimum, ⌈fraction·available⌉))</c> parties with a partial Fisher–Yates shuffle
/// driven by the given <see cref="Random"/>, so one random state always selects the same parties. The result keeps
/// the order of <c>available</c>.
/// </remarks>
public sealed class FractionSelector : IClientSelector
{
    /// <param name="fraction">The share of available parties to select, in (0, 1].</param>
    /// <param name="minimum">The least number of parties to select when that many are available (≥ 1).</param>
    public FractionSelector(double fraction, int minimum = 1)
    {
        if (!(fraction > 0 && fraction <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The fraction must be in (0, 1].");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimum);
        Fraction = fraction;
        Minimum = minimum;
    }

    public double Fraction { get; }

    public int Minimum { get; }

    /// <summary>How many of <paramref name="available"/> parties a round selects.</summary>
    public int CountFor(int available)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(available);

        // The small slack keeps 0.7 × 10 (= 7.000000000000001 in binary) at 7 parties, not 8.
        var wanted = (int)Math.Ceiling((Fraction * available) - 1e-9);
        return Math.Min(available, Math.Max(Minimum, wanted));
    }

    public IReadOnlyList<PartyId> Select(RoundInfo round, IReadOnlyList<PartyId> available, Random random)
    {
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(random);
        var count = CountFor(available.Count);
        if (count == available.Count)
        {
            return [.. available];
        }

        var indices = new int[available.Count];
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, indices.Length);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        Array.Sort(indices, 0, count);
        var selected = new PartyId[count];
        for (var i = 0; i < count; i++)
        {
            selected[i] = available[indices[i]];
        }

        return selected;
    }
}
