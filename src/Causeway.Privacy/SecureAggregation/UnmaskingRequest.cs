namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Round 2 close, server → every party in <paramref name="Survivors"/>: the parties whose masked input arrived (U3),
/// ordered by index. Each party answers with b-shares of the survivors and c_sk-shares of the peers it masked
/// against that are not survivors, and never both for one peer.
/// </summary>
public sealed record UnmaskingRequest(IReadOnlyList<int> Survivors);
