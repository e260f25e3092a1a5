using Causeway.Vectors.Indexes;

namespace Causeway.Vectors;

/// <summary>The index a collection searches with: <c>flat</c> (exact; the default) or <c>hnsw</c> with its options.</summary>
/// <param name="Kind"><c>flat</c> or <c>hnsw</c>.</param>
/// <param name="Hnsw">The HNSW parameters (with <c>hnsw</c>; defaults when null).</param>
public sealed record IndexSpec(string Kind, HnswOptions? Hnsw = null)
{
    public static IndexSpec Flat { get; } = new("flat");

    /// <summary>Why this spec cannot index a collection of <paramref name="collection"/>, or null.</summary>
    public string? DescribeProblem(CollectionSpec collection) => Kind switch
    {
        "flat" => Hnsw is null ? null : "a flat index takes no hnsw options",
        "hnsw" => (Hnsw ?? new HnswOptions()).DescribeProblem(collection),
        _ => $"unknown index kind '{Kind}': use flat or hnsw",
    };

    internal IVectorIndex Create(CollectionSpec collection, VectorArena arena) => Kind == "hnsw"
        ? new HnswIndex(collection, Hnsw ?? new HnswOptions())
        : new FlatIndex(arena, collection.Metric);
}
