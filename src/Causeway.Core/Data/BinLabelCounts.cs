namespace Causeway.Core.Data;

/// <summary>
/// Per bin of one feature, the number of events (label 1) and non-events (label 0): the input of weight of evidence
/// and information value (<see cref="InformationValue"/>).
/// </summary>
/// <param name="Events">Per bin, the rows with label 1.</param>
/// <param name="NonEvents">Per bin, the rows with label 0.</param>
public sealed record BinLabelCounts(long[] Events, long[] NonEvents)
{
    /// <summary>Counts, in the clear, the events and non-events of each bin: what the encrypted vertical protocol computes without the host seeing a label.</summary>
    /// <param name="bins">Per row, its bin in [0, <paramref name="binCount"/>).</param>
    /// <param name="labels">Per row, the binary label 0 or 1.</param>
    /// <param name="binCount">The number of bins.</param>
    /// <exception cref="ArgumentException">The spans differ in length, a bin is out of range, or a label is not 0 or 1.</exception>
    public static BinLabelCounts Count(ReadOnlySpan<int> bins, ReadOnlySpan<float> labels, int binCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(binCount);
        if (bins.Length != labels.Length)
        {
            throw new ArgumentException($"{bins.Length} bins for {labels.Length} labels.", nameof(labels));
        }

        var events = new long[binCount];
        var nonEvents = new long[binCount];
        for (var r = 0; r < bins.Length; r++)
        {
            if ((uint)bins[r] >= (uint)binCount)
            {
                throw new ArgumentException($"Row {r} is in bin {bins[r]}, outside [0, {binCount}).", nameof(bins));
            }

            switch (labels[r])
            {
                case 1f:
                    events[bins[r]]++;
                    break;
                case 0f:
                    nonEvents[bins[r]]++;
                    break;
                default:
                    throw new ArgumentException($"Row {r} has label {labels[r]}; information value needs binary labels 0 and 1.", nameof(labels));
            }
        }

        return new BinLabelCounts(events, nonEvents);
    }

    public bool Equals(BinLabelCounts? other) =>
        other is not null && Events.SequenceEqual(other.Events) && NonEvents.SequenceEqual(other.NonEvents);

    public override int GetHashCode() => HashCode.Combine(Events.Length, Events.Sum(), NonEvents.Sum());
}
