namespace Causeway.Vectors.Indexes;

/// <summary>
/// Exact search: every live slot's distance to the query, the k smallest kept in a bounded max-heap. The ground truth
/// every approximate index is measured against; it stores nothing beyond the arena.
/// </summary>
internal sealed class FlatIndex(VectorArena arena, VectorMetric metric) : IVectorIndex
{
    public string Kind => "flat";

    public bool ExactDistances => true;

    public void Set(ulong key, ReadOnlySpan<float> vector)
    {
    }

    public void Remove(ulong key)
    {
    }

    public IReadOnlyList<(ulong Key, float Distance)> Search(ReadOnlySpan<float> query, int k, Func<ulong, bool>? accept, SearchOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var heap = new PriorityQueue<int, float>(k + 1, Comparer<float>.Create((a, b) => b.CompareTo(a)));
        for (var slot = 0; slot < arena.Extent; slot++)
        {
            if (!arena.IsAlive(slot) || (accept is not null && !accept(arena.KeyOf(slot))))
            {
                continue;
            }

            var distance = VectorDistance.Of(metric, query, arena[slot]);
            if (heap.Count < k)
            {
                heap.Enqueue(slot, distance);
            }
            else if (heap.TryPeek(out _, out var worst) && distance < worst)
            {
                heap.EnqueueDequeue(slot, distance);
            }
        }

        var hits = new (ulong Key, float Distance)[heap.Count];
        for (var i = hits.Length - 1; i >= 0; i--)
        {
            heap.TryDequeue(out var slot, out var distance);
            hits[i] = (arena.KeyOf(slot), distance);
        }

        return hits;
    }

    public void Dispose()
    {
    }
}
