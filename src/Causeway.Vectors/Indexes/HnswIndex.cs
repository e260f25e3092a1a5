using System.Runtime.InteropServices;

namespace Causeway.Vectors.Indexes;

/// <summary>
/// HNSW (Malkov and Yashunin 2018) through USearch's native library: a graph of the records' keys, searched with a
/// candidate list of ef entries; vectors stored as float32, float16 or int8 (<see cref="HnswOptions.Quantization"/>).
/// </summary>
/// <remarks>
/// <para>
/// The collection recomputes every returned candidate's distance from its float32 vector, so a quantised index loses
/// recall, never accuracy of the reported distances. ef can change per query: a query with the index's current ef runs
/// beside others; one with another ef waits for the others, sets it, and runs alone (USearch keeps ef index-wide).
/// </para>
/// <para>
/// USearch serves concurrent calls from a fixed pool of per-thread contexts and does not wait when the pool is empty, so
/// every native insert and search here first takes one of <see cref="Contexts"/> slots.
/// </para>
/// </remarks>
internal sealed unsafe class HnswIndex : IPersistentIndex
{
    /// <summary>Native calls at once, and the thread contexts reserved for them: the cores, at least 8.</summary>
    public static readonly int Contexts = Math.Max(Environment.ProcessorCount, 8);

    private readonly ReaderWriterLockSlim _efLock = new();
    private readonly SemaphoreSlim _slots = new(Contexts, Contexts);
    private readonly int _dimension;
    private nint _handle;
    private int _ef;

    public HnswIndex(CollectionSpec spec, HnswOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        if (options.DescribeProblem(spec) is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        Options = options;
        _dimension = spec.Dimension;
        var init = new USearchNative.InitOptions
        {
            Metric = spec.Metric switch
            {
                VectorMetric.L2 => USearchNative.MetricKind.L2Squared,
                VectorMetric.InnerProduct => USearchNative.MetricKind.InnerProduct,
                _ => USearchNative.MetricKind.Cosine,
            },
            Quantization = options.Quantization switch
            {
                HnswQuantization.F16 => USearchNative.ScalarKind.F16,
                HnswQuantization.I8 => USearchNative.ScalarKind.I8,
                _ => USearchNative.ScalarKind.F32,
            },
            Dimensions = (nuint)spec.Dimension,
            Connectivity = (nuint)options.M,
            ExpansionAdd = (nuint)options.EfConstruction,
            ExpansionSearch = (nuint)options.EfSearch,
        };
        _handle = USearchNative.Init(ref init, out var error);
        USearchNative.Check(error, "creating the HNSW index");
        _ef = options.EfSearch;
        ReserveContexts();
    }

    public string Kind => "hnsw";

    public HnswOptions Options { get; }

    /// <summary>Bytes the native index holds in memory (graph, stored vectors, and room reserved for growth and threads).</summary>
    public long MemoryBytes => (long)USearchNative.MemoryUsage(_handle, out _);

    /// <summary>Bytes of the index saved to a file (graph and stored vectors): what compares with other engines' serialised indexes.</summary>
    public long SerializedBytes => (long)USearchNative.SerializedLength(_handle, out _);

    public int Count => (int)USearchNative.Size(_handle, out _);

    public void Set(ulong key, ReadOnlySpan<float> vector)
    {
        if (USearchNative.Contains(_handle, key, out var error))
        {
            USearchNative.Remove(_handle, key, out error);
            USearchNative.Check(error, $"replacing key {key}");
        }

        var capacity = USearchNative.Capacity(_handle, out error);
        if (USearchNative.Size(_handle, out error) + 1 > capacity)
        {
            USearchNative.Reserve(_handle, Math.Max(capacity * 2, 1024), out error);
            USearchNative.Check(error, "growing the HNSW index");
        }

        _slots.Wait();
        try
        {
            fixed (float* values = vector)
            {
                USearchNative.Add(_handle, key, values, USearchNative.ScalarKind.F32, out error);
            }
        }
        finally
        {
            _slots.Release();
        }

        USearchNative.Check(error, $"adding key {key}");
    }

    /// <summary>Float32 storage: USearch's distances are the metric's own on the stored vectors.</summary>
    public bool ExactDistances => Options.Quantization == HnswQuantization.F32;

    /// <summary>Twice k under float16 or int8: their distances misorder close candidates, which the exact re-ranking repairs.</summary>
    public int CandidatesFor(int k) => Options.Quantization == HnswQuantization.F32 ? k : 2 * k;

    /// <summary>
    /// Inserts every live record on all cores (USearch takes concurrent inserts into a reserved index), in
    /// <see cref="LocalityOrder"/>: memory order follows insertion order, and near records then sit together.
    /// </summary>
    public void Build(VectorArena arena, Func<ulong, bool>? include)
    {
        var slots = new List<int>(arena.Count);
        for (var slot = 0; slot < arena.Extent; slot++)
        {
            if (arena.IsAlive(slot) && (include is null || include(arena.KeyOf(slot))))
            {
                slots.Add(slot);
            }
        }

        var order = slots.ToArray();
        LocalityOrder.Sort(order, arena.Dimension, slot => arena[slot], seed: 42);

        // Room for exactly the records this index takes (a shard takes some of them): concurrent adds cannot grow it.
        USearchNative.Reserve(_handle, (nuint)Math.Max(order.Length, 1024), out var error);
        USearchNative.Check(error, "reserving the HNSW index");
        if (order.Length == 0)
        {
            return;
        }

        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        // Small ranges handed out in order, so that the insertion order, hence USearch's memory order, stays the locality order.
        var ranges = System.Collections.Concurrent.Partitioner.Create(0, order.Length, 64);
        Parallel.ForEach(ranges, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
            {
                var slot = order[i];
                _slots.Wait();
                try
                {
                    fixed (float* values = arena[slot])
                    {
                        USearchNative.Add(_handle, arena.KeyOf(slot), values, USearchNative.ScalarKind.F32, out var failed);
                        if (failed != 0)
                        {
                            failures.Enqueue(Marshal.PtrToStringUTF8(failed) ?? "unknown");
                        }
                    }
                }
                finally
                {
                    _slots.Release();
                }
            }
        });
        if (failures.TryPeek(out var first))
        {
            throw new InvalidOperationException($"building the HNSW index: {first}");
        }
    }

    public void Remove(ulong key)
    {
        USearchNative.Remove(_handle, key, out var error);
        USearchNative.Check(error, $"removing key {key}");
    }

    public IReadOnlyList<(ulong Key, float Distance)> Search(ReadOnlySpan<float> query, int k, Func<ulong, bool>? accept, SearchOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        var ef = Math.Max(options.Ef ?? Options.EfSearch, k);
        var keys = new ulong[k];
        var distances = new float[k];
        nuint found;
        var exclusive = ef != Volatile.Read(ref _ef);
        if (exclusive)
        {
            _efLock.EnterWriteLock();
        }
        else
        {
            _efLock.EnterReadLock();
        }

        var state = accept is null ? default : GCHandle.Alloc(accept);
        _slots.Wait();
        try
        {
            nint error;
            if (ef != _ef)
            {
                USearchNative.ChangeExpansionSearch(_handle, (nuint)ef, out error);
                USearchNative.Check(error, "setting ef");
                _ef = ef;
            }

            fixed (float* q = query)
            fixed (ulong* k0 = keys)
            fixed (float* d0 = distances)
            {
                found = accept is null
                    ? USearchNative.Search(_handle, q, USearchNative.ScalarKind.F32, (nuint)k, k0, d0, out error)
                    : USearchNative.FilteredSearch(_handle, q, USearchNative.ScalarKind.F32, (nuint)k, &Accept, (void*)GCHandle.ToIntPtr(state), k0, d0, out error);
            }

            USearchNative.Check(error, "searching the HNSW index");
        }
        finally
        {
            _slots.Release();
            if (state.IsAllocated)
            {
                state.Free();
            }

            if (exclusive)
            {
                _efLock.ExitWriteLock();
            }
            else
            {
                _efLock.ExitReadLock();
            }
        }

        var hits = new (ulong Key, float Distance)[(int)found];
        for (var i = 0; i < hits.Length; i++)
        {
            hits[i] = (keys[i], distances[i]);
        }

        return hits;
    }

    /// <summary>Writes the index to <paramref name="path"/> (USearch's own format).</summary>
    public void Save(string path)
    {
        USearchNative.Save(_handle, path, out var error);
        USearchNative.Check(error, $"saving the HNSW index to {path}");
    }

    /// <summary>Replaces this index's contents with the file's, which must have been saved with the same options.</summary>
    /// <exception cref="InvalidOperationException">The file is not such an index.</exception>
    public void Load(string path)
    {
        USearchNative.Load(_handle, path, out var error);
        USearchNative.Check(error, $"loading the HNSW index from {path}");
        USearchNative.ChangeExpansionSearch(_handle, (nuint)_ef, out error);
        USearchNative.Check(error, "setting ef");
        ReserveContexts();
    }

    private void ReserveContexts()
    {
        USearchNative.ChangeThreadsAdd(_handle, (nuint)Contexts, out var error);
        USearchNative.Check(error, "reserving thread contexts");
        USearchNative.ChangeThreadsSearch(_handle, (nuint)Contexts, out error);
        USearchNative.Check(error, "reserving thread contexts");
    }

    public void Dispose()
    {
        if (_handle != 0)
        {
            USearchNative.Free(_handle, out _);
            _handle = 0;
        }

        _efLock.Dispose();
        _slots.Dispose();
    }

    [UnmanagedCallersOnly]
    private static int Accept(ulong key, void* state)
    {
        try
        {
            return ((Func<ulong, bool>)GCHandle.FromIntPtr((nint)state).Target!)(key) ? 1 : 0;
        }
        catch (Exception)
        {
            // An exception must not cross into native code: a record the filter cannot judge is left out.
            return 0;
        }
    }
}
