namespace Causeway.Federation.Vertical.Alignment;

/// <summary>What the guest learned from a PSI session.</summary>
/// <param name="Ids">Distinct IDs the guest took part with.</param>
/// <param name="Duplicates">Repeated IDs dropped from the guest's input (a warning for the operator).</param>
/// <param name="Intersection">Size of the intersection of all parties.</param>
/// <param name="HostIds">Each host's set size (revealed by the number of points it sends).</param>
public sealed record GuestAlignmentResult(long Ids, long Duplicates, long Intersection, IReadOnlyList<long> HostIds);
