using Causeway.Vectors.Indexes;

namespace Causeway.Vectors;

/// <summary>
/// The index a collection searches with: <c>flat</c> (exact; the default), <c>hnsw</c>, <c>ivfflat</c> or <c>ivfpq</c>,
/// with the options of its kind.
/// </summary>
/// <param name="Kind"><c>flat</c>, <c>hnsw</c>, <c>ivfflat</c> or <c>ivfpq</c>.</param>
/// <param name="Hnsw">The HNSW parameters (with <c>hnsw</c>; defaults when null).</param>
/// <param name="Ivf">The IVF parameters (with <c>ivfflat</c> and <c>ivfpq</c>; defaults when null).</param>
/// <param name="Shards">
/// Shards the index is split into, 1 to 64: each record is indexed in one of them, and a search asks them all in
/// parallel and merges (<see cref="ShardedIndex"/>). Default 1. IVF shards share one codebook.
/// </param>
public sealed record IndexSpec(string Kind, HnswOptions? Hnsw = null, IvfOptions? Ivf = null, int Shards = 1)
{
    public static IndexSpec Flat { get; } = new("flat");

    private bool IsIvf => Kind is "ivfflat" or "ivfpq";

    /// <summary>Why this spec cannot index a collection of <paramref name="collection"/>, or null.</summary>
    public string? DescribeProblem(CollectionSpec collection) =>
        Kind is not ("flat" or "hnsw" or "ivfflat" or "ivfpq") ? $"unknown index kind '{Kind}': use flat, hnsw, ivfflat or ivfpq"
        : Shards is < 1 or > ShardedIndex.MaxShards ? $"shards must be 1 to {ShardedIndex.MaxShards}, got {Shards}"
        : Hnsw is not null && Kind != "hnsw" ? $"a {Kind} index takes no hnsw options"
        : Ivf is not null && !IsIvf ? $"a {Kind} index takes no ivf options"
        : Kind == "hnsw" ? (Hnsw ?? new HnswOptions()).DescribeProblem(collection)
        : IsIvf ? (Ivf ?? new IvfOptions()).DescribeProblem(collection, Kind == "ivfpq")
        : null;

    /// <summary>Builds this index over the live records of <paramref name="arena"/> (an IVF index with <paramref name="codebook"/>, or trained on them first).</summary>
    internal IVectorIndex Build(CollectionSpec collection, VectorArena arena, IvfCodebook? codebook = null)
    {
        // IVF shards share one codebook, trained once over every record.
        if (IsIvf)
        {
            var ivf = Ivf ?? new IvfOptions();
            codebook ??= IvfIndex.Train(collection, arena, ivf, Kind == "ivfpq" ? ivf.SubQuantizers(collection) : 0, seed: 42);
        }

        var shards = new List<IVectorIndex>();
        try
        {
            for (var s = 0; s < Shards; s++)
            {
                var shard = s;
                Func<ulong, bool>? member = Shards == 1 ? null : key => ShardedIndex.ShardOf(key, Shards) == shard;
                IVectorIndex index = Kind switch
                {
                    "hnsw" => new HnswIndex(collection, Hnsw ?? new HnswOptions()),
                    "ivfflat" or "ivfpq" => new IvfIndex(collection, Ivf ?? new IvfOptions(), codebook!),
                    _ => new FlatIndex(arena, collection.Metric, member),
                };
                shards.Add(index);
                index.Build(arena, member);
            }

            return Shards == 1 ? shards[0] : new ShardedIndex([.. shards]);
        }
        catch
        {
            shards.ForEach(s => s.Dispose());
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

        var index = Shards == 1 ? LoadOne(collection, path) : ShardedIndex.Read(path, Shards, shard => LoadOne(collection, shard));
        if (index is not null && index.Count != count)
        {
            index.Dispose();
            index = null;
        }

        return index;
    }

    // One HNSW or IVF index (or shard) from its file; null when the file is missing or not of this kind.
    private IPersistentIndex? LoadOne(CollectionSpec collection, string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        if (Kind == "hnsw")
        {
            var hnsw = new HnswIndex(collection, Hnsw ?? new HnswOptions());
            try
            {
                hnsw.Load(path);
                return hnsw;
            }
            catch (InvalidOperationException)
            {
                hnsw.Dispose();
                return null;
            }
        }

        return IsIvf ? IvfIndex.Read(collection, Ivf ?? new IvfOptions(), Kind == "ivfpq", path) : null;
    }
}
