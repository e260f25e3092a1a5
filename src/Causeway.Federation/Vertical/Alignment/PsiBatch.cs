namespace Causeway.Federation.Vertical.Alignment;

/// <summary>One message of the PSI protocol: a numbered batch of packed fixed-size records of one stream.</summary>
/// <param name="Stream">Which stream the batch belongs to.</param>
/// <param name="Index">Zero-based batch number within the stream; a resumed sender restarts at the first unacknowledged one.</param>
/// <param name="IsLast">Whether this is the stream's final batch (a stream of no records is one empty last batch).</param>
/// <param name="Payload">
/// The records back to back: 33-byte compressed points (GuestPoints, HostPoints), 16-byte tags (GuestTags), or for
/// Result: little-endian int32 host positions (reveal to all), one int64 count (cardinality) or nothing (reveal to guest).
/// </param>
public sealed record PsiBatch(PsiStream Stream, int Index, bool IsLast, ReadOnlyMemory<byte> Payload);
