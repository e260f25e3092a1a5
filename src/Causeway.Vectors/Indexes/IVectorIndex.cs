namespace Causeway.Vectors.Indexes;

/// <summary>
/// An index over a collection's records by their keys (<see cref="Storage.KeyedRecord"/>): it is told of every record
/// set or removed, and answers the k nearest keys to a query among those a filter accepts. Called under the collection's
/// lock (writes exclusive, searches shared).
/// </summary>
internal interface IVectorIndex : IDisposable
{
    /// <summary>The kind, as named in the API (<c>flat</c>, <c>hnsw</c>...).</summary>
    string Kind { get; }

    /// <summary>The record with this key now has <paramref name="vector"/> (new, or replacing its old vector).</summary>
    void Set(ulong key, ReadOnlySpan<float> vector);

    void Remove(ulong key);

    /// <summary>Fills a new, empty index with every live record of <paramref name="arena"/> whose key <paramref name="include"/> accepts (all when null).</summary>
    void Build(VectorArena arena, Func<ulong, bool>? include)
    {
        for (var slot = 0; slot < arena.Extent; slot++)
        {
            if (arena.IsAlive(slot) && (include is null || include(arena.KeyOf(slot))))
            {
                Set(arena.KeyOf(slot), arena[slot]);
            }
        }
    }

    /// <summary>
    /// True when the distances <see cref="Search"/> reports are the metric's own on the float32 vectors (flat, float32
    /// HNSW, IVF-Flat under L2), so the collection need not compute them again.
    /// </summary>
    bool ExactDistances => false;

    /// <summary>How many candidates to ask for so that re-ranking them by exact distance yields a good top <paramref name="k"/>.</summary>
    int CandidatesFor(int k) => k;

    /// <summary>Up to <paramref name="k"/> accepted keys, nearest first; the distances may be approximate (quantised indexes).</summary>
    IReadOnlyList<(ulong Key, float Distance)> Search(ReadOnlySpan<float> query, int k, Func<ulong, bool>? accept, SearchOptions options);
}

/// <summary>An index that is saved at each checkpoint, so opening loads it instead of building it.</summary>
internal interface IPersistentIndex : IVectorIndex
{
    /// <summary>Records in the index.</summary>
    int Count { get; }

    /// <summary>Writes the whole index to <paramref name="path"/>, flushed to disk.</summary>
    void Save(string path);
}
