using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>An aggregation rule that needs all of a round's deltas at once; run by <see cref="BufferedAggregation"/>.</summary>
internal interface IBufferedRule
{
    /// <summary>Why <paramref name="count"/> updates (≥ 1) are too few for this rule, or null when they suffice.</summary>
    string? Problem(int count);

    /// <summary>Writes the aggregate of <paramref name="deltas"/> (same length, all finite) into <paramref name="destination"/>.</summary>
    void Aggregate(IReadOnlyList<ParameterSet> deltas, Span<float> destination);
}
