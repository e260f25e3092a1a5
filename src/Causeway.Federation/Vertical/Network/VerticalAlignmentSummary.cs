namespace Causeway.Federation.Vertical.Network;

/// <summary>The PSI of a job: each party's distinct IDs, the intersection (as the guest found it and as each host learned it), the time and the bytes the coordinator relayed.</summary>
public sealed record VerticalAlignmentSummary(long GuestIds, IReadOnlyList<long> HostIds, long Intersection, IReadOnlyList<long?> HostIntersections, double Seconds, long RelayedBytes);
