using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>
/// Coordinate-wise median of the round's deltas (Yin et al. 2018, "Byzantine-Robust Distributed Learning: Towards
/// Optimal Statistical Rates"): tolerates fewer than half of the updates being arbitrary.
/// </summary>
/// <remarks>
/// <para>
/// Effectively computes <c>Δ[i] = median_k Δ_k[i]</c>: the middle value of the N sorted values at coordinate i, or the
/// mean of the two middle values when N is even. Unweighted: example counts are ignored, since an attacker can claim
/// any count.
/// </para>
/// <para>
/// Buffers the round: it holds all N accepted deltas until the round closes (N × model floats, against one model for
/// the streaming <see cref="WeightedMeanAggregator"/>). The result is independent of fold order, bit for bit.
/// </para>
/// </remarks>
public sealed class CoordinateMedianAggregator : IAggregator, IBufferedRule
{
    public IAggregation Begin(ParameterSet destination, RoundInfo round)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return new BufferedAggregation(destination, this);
    }

    /// <summary>Writes the coordinate-wise median of <paramref name="deltas"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">No delta, or a delta whose length differs from the destination's.</exception>
    public static void Aggregate(IReadOnlyList<ParameterSet> deltas, Span<float> destination) =>
        CoordinateKernel.Reduce(deltas, destination, Median);

    string? IBufferedRule.Problem(int count) => null;

    void IBufferedRule.Aggregate(IReadOnlyList<ParameterSet> deltas, Span<float> destination) => Aggregate(deltas, destination);

    private static float Median(ReadOnlySpan<float> sorted)
    {
        var half = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[half] : (float)(((double)sorted[half - 1] + sorted[half]) / 2);
    }
}
