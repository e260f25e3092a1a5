namespace Causeway.Vectors.Indexes;

/// <summary>
/// Exact search: every live slot's distance to the query, the k smallest kept in a bounded max-heap. The ground truth
/// every approximate index is measured against; it stores nothing beyond the arena.
/// </summary>
/// <param name="arena">The collection's vectors.</param>
/// <param name="metric">The collection's metric.</param>
/// <param name="member">The keys this index answers for (one shard's); all when null.</param>
internal sealed class FlatIndex(VectorArena arena, VectorMetric metric, Func<ulong, bool>? member = null) : IVectorIndex
{
    public string Kind => "flat";

    public bool ExactDistances => true;

    public void Set(ulong key, ReadOnlySpan<float> vector)
    {
    }

    public void Build(VectorArena arena, Func<ulong, bool>? include)
    {
    }

    public void Remove(ulong key)
    {
    }

    public IReadOnlyList<(ulong Key, float Distance)> Search(ReadOnlySpan<float> query, int k, Func<ulong, bool>? accept, SearchOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var nearest = new NearestK(k);
        for (var slot = 0; slot < arena.Extent; slot++)
        {
            if (!arena.IsAlive(slot) || (member is not null && !member(arena.KeyOf(slot))) || (accept is not null && !accept(arena.KeyOf(slot))))
            {
                continue;
            }

            nearest.Offer(arena.KeyOf(slot), VectorDistance.Of(metric, query, arena[slot]));
        }

        return nearest.Drain();
    }

    public void Dispose()
    {
    }
}
