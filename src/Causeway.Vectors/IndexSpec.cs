using Causeway.Vectors.Indexes;

namespace Causeway.Vectors;

/// <summary>
/// The index a collection searches with: <c>flat</c> (exact; the default), <c>hnsw</c>, <c>ivfflat</c> or <c>ivfpq</c>,
/// with the options of its kind.
/// </summary>
/// <param name="Kind"><c>flat</c>, <c>hnsw</c>, <c>ivfflat</c> or <c>ivfpq</c>.</param>
/// <param name="Hnsw">The HNSW parameters (with <c>hnsw</c>; defaults when null).</param>
/// <param name="Ivf">The IVF parameters (with <c>ivfflat</c> and <c>ivfpq</c>; defaults when null).</param>
public sealed record IndexSpec(string Kind, HnswOptions? Hnsw = null, IvfOptions? Ivf = null)
{
    public static IndexSpec Flat { get; } = new("flat");

    private bool IsIvf => Kind is "ivfflat" or "ivfpq";

    /// <summary>Why this spec cannot index a collection of <paramref name="collection"/>, or null.</summary>
    public string? DescribeProblem(CollectionSpec collection) =>
        Kind is not ("flat" or "hnsw" or "ivfflat" or "ivfpq") ? $"unknown index kind '{Kind}': use flat, hnsw, ivfflat or ivfpq"
        : Hnsw is not null && Kind != "hnsw" ? $"a {Kind} index takes no hnsw options"
        : Ivf is not null && !IsIvf ? $"a {Kind} index takes no ivf options"
        : Kind == "hnsw" ? (Hnsw ?? new HnswOptions()).DescribeProblem(collection)
        : IsIvf ? (Ivf ?? new IvfOptions()).DescribeProblem(collection, Kind == "ivfpq")
        : null;

    /// <summary>Builds this index over the live records of <paramref name="arena"/> (an IVF index with <paramref name="codebook"/>, or trained on them first).</summary>
    internal IVectorIndex Build(CollectionSpec collection, VectorArena arena, IvfCodebook? codebook = null)
    {
        IVectorIndex index = Kind switch
        {
            "hnsw" => new HnswIndex(collection, Hnsw ?? new HnswOptions()),
            "ivfflat" or "ivfpq" => new IvfIndex(collection, Ivf ?? new IvfOptions(), codebook ?? IvfIndex.Train(
                collection, arena, Ivf ?? new IvfOptions(), Kind == "ivfpq" ? (Ivf ?? new IvfOptions()).SubQuantizers(collection) : 0, seed: 42)),
            _ => new FlatIndex(arena, collection.Metric),
        };
        try
        {
            index.Build(arena);
            return index;
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>The index saved at <paramref name="path"/> when it holds exactly <paramref name="count"/> records of this kind; null otherwise.</summary>
    internal IPersistentIndex? Load(CollectionSpec collection, string path, int count)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        IPersistentIndex? index = null;
        if (Kind == "hnsw")
        {
            var hnsw = new HnswIndex(collection, Hnsw ?? new HnswOptions());
            try
            {
                hnsw.Load(path);
                index = hnsw;
            }
            catch (InvalidOperationException)
            {
                hnsw.Dispose();
            }
        }
        else if (IsIvf)
        {
            index = IvfIndex.Read(collection, Ivf ?? new IvfOptions(), Kind == "ivfpq", path);
        }

        if (index is not null && index.Count != count)
        {
            index.Dispose();
            index = null;
        }

        return index;
    }
}
