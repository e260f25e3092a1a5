namespace Causeway.Federation.Vertical.Alignment;

/// <summary>What a host learned from a PSI session.</summary>
/// <param name="Ids">Distinct IDs the host took part with.</param>
/// <param name="Duplicates">Repeated IDs dropped from the host's input (a warning for the operator).</param>
/// <param name="Intersection">The intersection size, or null in <see cref="AlignmentMode.RevealToGuest"/> mode (the host learns nothing).</param>
public sealed record HostAlignmentResult(long Ids, long Duplicates, long? Intersection);
