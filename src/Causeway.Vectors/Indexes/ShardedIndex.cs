namespace Causeway.Vectors.Indexes;

/// <summary>
/// A collection's index split into shards: each record lives in exactly one shard, chosen by its key
/// (<see cref="ShardOf"/>); a search asks every shard at once, on its own core, and merges their candidates by distance.
/// </summary>
/// <remarks>
/// <para>
/// <b>The shard's interface</b> is <see cref="IVectorIndex"/> and nothing more: set and remove a record by key, search
/// for the nearest keys that a filter accepts, save and load. No shard knows of another, of ids, payloads or the log,
/// so a later step can place shards on other machines (behind an existing engine) without changing the collection.
/// </para>
/// <para>
/// <b>Recall.</b> Each shard returns its own top candidates and the merge keeps the best k of their union, so a sharded
/// exact index answers exactly as one exact index, and a sharded HNSW index searches S smaller graphs, each at the
/// query's ef (at least the recall of one graph over every record, for more distance computations).
/// </para>
/// <para>
/// <b>On disk</b> a sharded index is a manifest (the path given to <see cref="Save"/>: magic, shard count, each shard's
/// record count) and one file per shard beside it (<c>{path}.shard-{i}</c>), each in its kind's own format.
/// </para>
/// </remarks>
internal sealed class ShardedIndex : IPersistentIndex
{
    /// <summary>The most shards a collection may have: 64.</summary>
    public const int MaxShards = 64;

    private const string Magic = "CWSHARD1";
    private readonly IVectorIndex[] _shards;

    public ShardedIndex(IVectorIndex[] shards)
    {
        ArgumentNullException.ThrowIfNull(shards);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards.Length, 2);
        _shards = shards;
    }

    public string Kind => _shards[0].Kind;

    public int Shards => _shards.Length;

    public int Count => _shards.Sum(s => s is IPersistentIndex persistent ? persistent.Count : 0);

    public bool ExactDistances => _shards[0].ExactDistances;

    public int CandidatesFor(int k) => _shards[0].CandidatesFor(k);

    /// <summary>The shard of a record: SplitMix64's finaliser of its key, modulo the shard count (keys are sequential, so they need mixing).</summary>
    public static int ShardOf(ulong key, int shards)
    {
        var z = key + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return (int)((z ^ (z >> 31)) % (ulong)shards);
    }

    public void Set(ulong key, ReadOnlySpan<float> vector) => _shards[ShardOf(key, _shards.Length)].Set(key, vector);

    public void Remove(ulong key) => _shards[ShardOf(key, _shards.Length)].Remove(key);

    public void Build(VectorArena arena, Func<ulong, bool>? include)
    {
        for (var s = 0; s < _shards.Length; s++)
        {
            var shard = s;
            _shards[s].Build(arena, key => ShardOf(key, _shards.Length) == shard && (include is null || include(key)));
        }
    }

    public IReadOnlyList<(ulong Key, float Distance)> Search(ReadOnlySpan<float> query, int k, Func<ulong, bool>? accept, SearchOptions options)
    {
        var vector = query.ToArray();
        var answers = new IReadOnlyList<(ulong Key, float Distance)>[_shards.Length];
        Parallel.For(0, _shards.Length, s => answers[s] = _shards[s].Search(vector, k, accept, options));
        var merged = new NearestK(k);
        foreach (var answer in answers)
        {
            foreach (var (key, distance) in answer)
            {
                merged.Offer(key, distance);
            }
        }

        return merged.Drain();
    }

    public void Save(string path)
    {
        var counts = new int[_shards.Length];
        for (var s = 0; s < _shards.Length; s++)
        {
            if (_shards[s] is IPersistentIndex persistent)
            {
                persistent.Save(ShardPath(path, s));
                counts[s] = persistent.Count;
            }
        }

        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Magic.AsSpan());
        writer.Write(_shards.Length);
        foreach (var count in counts)
        {
            writer.Write(count);
        }

        writer.Flush();
        ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
    }

    /// <summary>
    /// The sharded index saved at <paramref name="path"/>, each shard read by <paramref name="load"/> from its own file;
    /// null when the manifest is not of <paramref name="shards"/> shards, or a shard is missing or does not hold what the
    /// manifest says.
    /// </summary>
    public static ShardedIndex? Read(string path, int shards, Func<string, IPersistentIndex?> load)
    {
        int[] counts;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (new string(reader.ReadChars(Magic.Length)) != Magic || reader.ReadInt32() != shards)
            {
                return null;
            }

            counts = [.. Enumerable.Range(0, shards).Select(_ => reader.ReadInt32())];
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        var loaded = new List<IPersistentIndex>();
        try
        {
            for (var s = 0; s < shards; s++)
            {
                var shard = load(ShardPath(path, s));
                if (shard is null || shard.Count != counts[s])
                {
                    shard?.Dispose();
                    loaded.ForEach(l => l.Dispose());
                    return null;
                }

                loaded.Add(shard);
            }
        }
        catch
        {
            loaded.ForEach(l => l.Dispose());
            throw;
        }

        return new ShardedIndex([.. loaded]);
    }

    public void Dispose()
    {
        foreach (var shard in _shards)
        {
            shard.Dispose();
        }
    }

    private static string ShardPath(string path, int shard) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{path}.shard-{shard}");
}
