namespace Causeway.Vectors.Indexes;

/// <summary>
/// The k smallest distances offered, in a bounded max-heap whose root is the worst kept: an offer either fills a free
/// place, replaces the root when it is closer, or is dropped. Used by the exact and the IVF scans.
/// </summary>
internal sealed class NearestK(int k)
{
    private readonly PriorityQueue<ulong, float> _heap = new(k + 1, Comparer<float>.Create((a, b) => b.CompareTo(a)));

    /// <summary>The distance an offer must beat to be kept: +∞ until k are kept, then the worst kept one's.</summary>
    public float Worst => _heap.Count < k ? float.PositiveInfinity : _heap.TryPeek(out _, out var worst) ? worst : float.PositiveInfinity;

    public void Offer(ulong key, float distance)
    {
        if (_heap.Count < k)
        {
            _heap.Enqueue(key, distance);
        }
        else if (_heap.TryPeek(out _, out var worst) && distance < worst)
        {
            _heap.EnqueueDequeue(key, distance);
        }
    }

    /// <summary>The kept keys, nearest first (empties the heap).</summary>
    public (ulong Key, float Distance)[] Drain()
    {
        var hits = new (ulong Key, float Distance)[_heap.Count];
        for (var i = hits.Length - 1; i >= 0; i--)
        {
            _heap.TryDequeue(out var key, out var distance);
            hits[i] = (key, distance);
        }

        return hits;
    }
}
