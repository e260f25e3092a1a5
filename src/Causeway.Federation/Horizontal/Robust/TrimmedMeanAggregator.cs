using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>
/// Coordinate-wise trimmed mean of the round's deltas (Yin et al. 2018, "Byzantine-Robust Distributed Learning:
/// Towards Optimal Statistical Rates"): at every coordinate the largest and smallest β·N values are dropped.
/// </summary>
/// <remarks>
/// <para>
/// Effectively computes <c>Δ[i] = (1 / (N − 2t)) · Σ_{r=t}^{N−t−1} s_r</c> where s is {Δ_k[i]} sorted ascending and
/// <c>t = ⌊β·N⌋</c>; the sum is taken in double. β = 0 is the unweighted mean. Unweighted: example counts are ignored.
/// </para>
/// <para>
/// Buffers the round: it holds all N accepted deltas until the round closes (N × model floats, against one model for
/// the streaming <see cref="WeightedMeanAggregator"/>). The result is independent of fold order, bit for bit.
/// </para>
/// </remarks>
public sealed class TrimmedMeanAggregator : IAggregator, IBufferedRule
{
    /// <param name="trim">β, the share trimmed at each end, in [0, 0.5).</param>
    public TrimmedMeanAggregator(double trim)
    {
        if (!(trim is >= 0 and < 0.5))
        {
            throw new ArgumentOutOfRangeException(nameof(trim), trim, "The trim fraction must be in [0, 0.5).");
        }

        Trim = trim;
    }

    /// <summary>β, the share of values dropped at each end of every coordinate.</summary>
    public double Trim { get; }

    public IAggregation Begin(ParameterSet destination, RoundInfo round)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return new BufferedAggregation(destination, this);
    }

    /// <summary>The number of values dropped at each end for <paramref name="count"/> updates: ⌊β·count⌋.</summary>
    public int TrimmedPerSide(int count) => (int)Math.Floor(Trim * count);

    /// <summary>Writes the coordinate-wise β-trimmed mean of <paramref name="deltas"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">No delta, or a delta whose length differs from the destination's.</exception>
    public void Aggregate(IReadOnlyList<ParameterSet> deltas, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        var t = TrimmedPerSide(deltas.Count);
        CoordinateKernel.Reduce(deltas, destination, sorted => Mean(sorted[t..^t]));
    }

    string? IBufferedRule.Problem(int count) => null;

    private static float Mean(ReadOnlySpan<float> kept)
    {
        var sum = 0.0;
        foreach (var value in kept)
        {
            sum += value;
        }

        return (float)(sum / kept.Length);
    }
}
