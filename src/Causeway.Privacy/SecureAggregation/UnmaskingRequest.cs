namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Round 2 close (and, in an authenticated session, the consistency round's close), server → the survivors: the
/// parties whose masked input arrived (U3), ascending. Each party answers with b-shares of the survivors and
/// c_sk-shares of the neighbours it masked against that are not survivors, and never both for one peer. In an
/// authenticated session the unmasking request also carries the survivors' <see cref="Signatures"/>, which each
/// party checks before revealing anything.
/// </summary>
public sealed record UnmaskingRequest(IReadOnlyList<int> Survivors, IReadOnlyList<SurvivorSignature>? Signatures = null)
{
    /// <summary>Bytes on the wire: count (4) + 4 per survivor + the signatures.</summary>
    public long EncodedLength => 4 + (4L * Survivors.Count) + (Signatures?.Sum(s => (long)s.EncodedLength) ?? 0);

    /// <summary>
    /// What party <paramref name="party"/> needs of this request: the survivors in its neighbourhood, and the
    /// signatures of the neighbourhoods of its neighbours (O(k) instead of O(N) in a sparse graph). On the complete graph
    /// every honest signer's view is the whole survivor list, so a signature whose view is that list travels with an
    /// empty view, which the receiver reads as the list itself: the list crosses once, not once per signer (O(N) bytes
    /// per party instead of O(N²)).
    /// </summary>
    public UnmaskingRequest For(MaskingGraph graph, int party)
    {
        ArgumentNullException.ThrowIfNull(graph);
        if (graph.IsComplete)
        {
            return Signatures is null
                ? this
                : new UnmaskingRequest(Survivors, [.. Signatures.Select(s => s.View.SequenceEqual(Survivors) ? s with { View = [] } : s)]);
        }

        var neighbourhood = graph.Neighbourhood(party);
        var needed = new HashSet<int>(neighbourhood.SelectMany(graph.Neighbourhood));
        return new UnmaskingRequest(
            [.. Survivors.Where(s => s == party || graph.AreNeighbours(party, s))],
            Signatures is null ? null : [.. Signatures.Where(s => needed.Contains(s.Party))]);
    }
}
