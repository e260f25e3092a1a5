namespace Causeway.Vectors.Indexes;

/// <summary>
/// An index over a collection's slots (<see cref="VectorArena"/>): it is told of every slot set or removed, and answers
/// the k nearest slots to a query among those a filter accepts. Called under the collection's lock (writes exclusive,
/// searches shared).
/// </summary>
internal interface IVectorIndex : IDisposable
{
    /// <summary>The kind, as named in the API (<c>flat</c>, <c>hnsw</c>...).</summary>
    string Kind { get; }

    /// <summary>The slot now holds <paramref name="vector"/> (new, or replacing its old vector).</summary>
    void Set(int slot, ReadOnlySpan<float> vector);

    void Remove(int slot);

    /// <summary>Up to <paramref name="k"/> accepted slots, nearest first.</summary>
    IReadOnlyList<(int Slot, float Distance)> Search(ReadOnlySpan<float> query, int k, Func<int, bool>? accept, SearchOptions options);
}

/// <summary>Per-query knobs; each index reads the ones it has.</summary>
/// <param name="Ef">HNSW: the candidate list's size while searching (≥ k); null for the index's default.</param>
/// <param name="Threads">Cores a single query may use (flat scans). Default 1.</param>
public sealed record SearchOptions(int? Ef = null, int Threads = 1)
{
    public static SearchOptions Default { get; } = new();
}
