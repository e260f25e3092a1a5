namespace Causeway.Privacy.SecureAggregation;

/// <summary>Round 0 close, server → every party: the keys of the parties that advertised (U1), ordered by index.</summary>
public sealed record KeyDirectory(IReadOnlyList<AdvertisedKeys> Keys)
{
    /// <summary>Bytes on the wire: count (4) + the keys.</summary>
    public long EncodedLength => 4 + Keys.Sum(k => (long)k.EncodedLength);

    /// <summary>What party <paramref name="party"/> needs: the keys of its neighbourhood (itself included).</summary>
    public KeyDirectory For(MaskingGraph graph, int party)
    {
        ArgumentNullException.ThrowIfNull(graph);
        return graph.IsComplete ? this : new KeyDirectory([.. Keys.Where(k => k.Party == party || graph.AreNeighbours(party, k.Party))]);
    }
}
