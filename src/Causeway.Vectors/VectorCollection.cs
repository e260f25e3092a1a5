using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Causeway.Vectors.Indexes;
using Causeway.Vectors.Storage;

namespace Causeway.Vectors;

/// <summary>
/// One collection of a party's vector store, in its own folder: records (id, vector, payload) kept durable by a
/// write-ahead log, and an index over them for top-k and range search with payload filters.
/// </summary>
/// <remarks>
/// <para>
/// <b>Durability.</b> <see cref="Upsert"/> and <see cref="Delete"/> return only after their batch is appended to
/// <c>log</c> as one checksummed frame and the file is flushed to disk (<c>fsync</c>): an acknowledged write survives
/// kill -9 and power loss. A batch is applied whole or not at all. Opening replays <c>snapshot</c> and then the log; a
/// frame cut short by a crash (never acknowledged) is dropped from the log's tail. <see cref="Checkpoint"/> (also run
/// when the log passes <see cref="CheckpointLogBytes"/>) writes every record to a new snapshot, renames it into place and
/// starts an empty log; replaying an old log over a new snapshot changes nothing, so a crash between the two steps
/// loses nothing.
/// </para>
/// <para>
/// <b>Indexes.</b> <see cref="CreateIndex(IndexSpec)"/> builds an HNSW or IVF index (or returns to flat) over every record and
/// keeps its spec in <c>index.json</c>. Each checkpoint is a generation G: the index is saved as <c>index-G.bin</c> before
/// the snapshot naming G is renamed into place, so opening loads the index of the snapshot's own generation and replays
/// only the log into it; without that file the index is built again from the records (an IVF index retrained).
/// </para>
/// <para>
/// <b>Concurrency.</b> Writes are exclusive, searches and reads shared. One process owns a collection folder at a time
/// (the <c>LOCK</c> file is held open without sharing); a second open fails with a message naming the folder.
/// </para>
/// </remarks>
public sealed class VectorCollection : IDisposable
{
    /// <summary>The log size at which an upsert also checkpoints: 64 MiB.</summary>
    public const long CheckpointLogBytes = 64L << 20;

    private static readonly byte[] LogMagic = "CWVLOG01"u8.ToArray();
    private static readonly byte[] SnapshotMagic = "CWVSNP01"u8.ToArray();
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    private readonly ReaderWriterLockSlim _lock = new();
    private readonly string _folder;
    private readonly FileStream _ownership;
    private readonly VectorArena _arena;
    private readonly Dictionary<string, int> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, int> _slotOfKey = [];
    private readonly List<string?> _ids = [];
    private readonly List<JsonObject?> _payloads = [];
    private IVectorIndex _index;
    private IndexSpec _indexSpec = IndexSpec.Flat;
    private long _generation;
    private FileStream _log;
    private ulong _nextKey;

    private VectorCollection(string folder, CollectionSpec spec, FileStream ownership)
    {
        (_folder, Spec, _ownership) = (folder, spec, ownership);
        _arena = new VectorArena(spec.Dimension);
        _index = new FlatIndex(_arena, spec.Metric);
        _log = null!;
    }

    public CollectionSpec Spec { get; }

    /// <summary>Bytes dropped from the log's tail when it was opened: a batch a crash cut short, never acknowledged.</summary>
    public long DroppedTornBytes { get; private set; }

    /// <summary>True when opening loaded the saved HNSW graph instead of rebuilding it.</summary>
    public bool IndexLoadedFromDisk { get; private set; }

    /// <summary>The index searches use (flat until another is built).</summary>
    public IndexSpec Index
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _indexSpec;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// Builds the index <paramref name="spec"/> over every record and searches with it from now on (searches wait for the
    /// build); checkpoints, so a restart loads it instead of building it again. Returns the seconds each step took.
    /// </summary>
    /// <exception cref="ArgumentException">The spec does not fit the collection (the message says why).</exception>
    public IndexBuild CreateIndex(IndexSpec spec) => CreateIndex(spec, codebook: null);

    /// <summary>
    /// Builds an IVF index with a codebook trained elsewhere (a federated k-means over several parties,
    /// <see cref="FederatedKMeans"/>) instead of training one on this collection alone; kept in <c>codebook.bin</c>, so a
    /// rebuild uses it again.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is not an IVF kind matching the codebook, or does not fit the collection.</exception>
    public IndexBuild CreateIndex(IndexSpec spec, IvfCodebook? codebook)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (codebook is not null
            && (spec.Kind is not ("ivfflat" or "ivfpq") || codebook.Dimension != Spec.Dimension || (codebook.SubQuantizers > 0) != (spec.Kind == "ivfpq")))
        {
            throw new ArgumentException($"a codebook of {codebook.Lists} lists, m = {codebook.SubQuantizers}, dimension {codebook.Dimension} does not fit a {spec.Kind} index of collection '{Spec.Name}' (dimension {Spec.Dimension})", nameof(codebook));
        }

        ArgumentNullException.ThrowIfNull(spec);
        if (spec.DescribeProblem(Spec) is { } problem)
        {
            throw new ArgumentException(problem, nameof(spec));
        }

        _lock.EnterWriteLock();
        try
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var codebookPath = Path.Combine(_folder, "codebook.bin");
            var index = spec.Build(Spec, _arena, codebook);
            if (codebook is null)
            {
                File.Delete(codebookPath);
            }
            else
            {
                WriteAtomically(codebookPath, stream =>
                {
                    using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                    codebook.Write(writer);
                });
            }

            var built = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            WriteAtomically(Path.Combine(_folder, "index.json"), stream => JsonSerializer.Serialize(stream, spec, Json));
            _index.Dispose();
            (_index, _indexSpec) = (index, spec);
            CheckpointLocked();
            var bytes = index switch
            {
                HnswIndex hnsw => hnsw.SerializedBytes,
                IPersistentIndex when spec.Kind != IndexSpec.Flat.Kind => Directory.EnumerateFiles(_folder, IndexFile(_generation) + "*").Sum(f => new FileInfo(f).Length),
                _ => (long?)null,
            };
            return new IndexBuild(built.TotalSeconds, (System.Diagnostics.Stopwatch.GetElapsedTime(started) - built).TotalSeconds, bytes);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _arena.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Creates the collection in a new or empty <paramref name="folder"/>.</summary>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    /// <exception cref="IOException">The folder holds files already (nothing is changed), or cannot be written.</exception>
    public static VectorCollection Create(string folder, CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.DescribeProblem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(spec));
        }

        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new IOException($"{folder} is not empty: a collection is created in a new or empty folder (nothing was changed)");
        }

        Directory.CreateDirectory(folder);
        var ownership = Own(folder);
        try
        {
            WriteAtomically(Path.Combine(folder, "spec.json"), stream => JsonSerializer.Serialize(stream, spec, Json));
            var collection = new VectorCollection(folder, spec, ownership);
            collection._log = NewLog(Path.Combine(folder, "log"));
            return collection;
        }
        catch
        {
            ownership.Dispose();
            throw;
        }
    }

    /// <summary>Opens the collection in <paramref name="folder"/>: the snapshot, then the log.</summary>
    /// <exception cref="IOException">Another process holds it, or a file is not a collection's (the message names it; nothing is changed but a torn log tail).</exception>
    public static VectorCollection Open(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var specPath = Path.Combine(folder, "spec.json");
        if (!File.Exists(specPath))
        {
            throw new IOException($"{folder} holds no collection (no spec.json)");
        }

        var ownership = Own(folder);
        try
        {
            CollectionSpec spec;
            try
            {
                using var stream = File.OpenRead(specPath);
                spec = JsonSerializer.Deserialize<CollectionSpec>(stream, Json) ?? throw new JsonException("null");
            }
            catch (JsonException e)
            {
                throw new IOException($"{specPath} is not a collection spec: {e.Message}", e);
            }

            if (spec.DescribeProblem() is { } problem)
            {
                throw new IOException($"{specPath}: {problem}");
            }

            var collection = new VectorCollection(folder, spec, ownership);
            try
            {
                collection.Recover();
            }
            catch
            {
                collection._index.Dispose();
                collection._log?.Dispose();
                throw;
            }

            return collection;
        }
        catch (InvalidDataException e)
        {
            ownership.Dispose();
            throw new IOException(e.Message, e);
        }
        catch
        {
            ownership.Dispose();
            throw;
        }
    }

    /// <summary>Adds or replaces <paramref name="records"/>, durably, as one batch; returns when it is on disk.</summary>
    /// <exception cref="ArgumentException">A record does not fit the collection (the message names it); nothing is written.</exception>
    public void Upsert(IReadOnlyList<VectorRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record?.DescribeProblem(Spec) is { } problem)
            {
                throw new ArgumentException(problem, nameof(records));
            }

            if (record is null || !seen.Add(record.Id))
            {
                throw new ArgumentException(record is null ? "a record is null" : $"record '{record.Id}' appears twice in one batch", nameof(records));
            }
        }

        if (records.Count == 0)
        {
            return;
        }

        _lock.EnterWriteLock();
        try
        {
            // A replaced record keeps its key; a new one takes the next.
            var keyed = records.Select(r => new KeyedRecord(_slots.TryGetValue(r.Id, out var slot) ? _arena.KeyOf(slot) : _nextKey++, r)).ToList();
            Append(RecordCodec.EncodeUpserts(keyed));
            foreach (var record in keyed)
            {
                Apply(record, updateIndex: true);
            }

            if (_log.Length > CheckpointLogBytes)
            {
                CheckpointLocked();
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Deletes the records with these ids, durably; returns how many existed.</summary>
    public int Delete(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _lock.EnterWriteLock();
        try
        {
            var present = ids.Where(_slots.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
            if (present.Count > 0)
            {
                Append(RecordCodec.EncodeDeletes(present));
                present.ForEach(Remove);
            }

            return present.Count;
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The record with this id, or null.</summary>
    public VectorRecord? Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        _lock.EnterReadLock();
        try
        {
            return _slots.TryGetValue(id, out var slot) ? new VectorRecord(id, _arena[slot].ToArray(), _payloads[slot]?.DeepClone().AsObject()) : null;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>The <paramref name="k"/> records nearest to <paramref name="query"/> among those <paramref name="filter"/> accepts, nearest first.</summary>
    /// <exception cref="ArgumentException">The query does not fit the collection, or k is below 1.</exception>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, PayloadFilter? filter = null, SearchOptions? options = null) =>
        Search(query, k, filter is null ? null : (_, payload) => filter.Matches(payload), options);

    /// <summary>The <paramref name="k"/> records nearest to <paramref name="query"/> among those <paramref name="accept"/> (id, payload) accepts, nearest first.</summary>
    /// <exception cref="ArgumentException">The query does not fit the collection, or k is below 1.</exception>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, int k, Func<string, JsonObject?, bool>? accept, SearchOptions? options = null)
    {
        RequireQuery(query);
        if (k < 1)
        {
            throw new ArgumentException($"k must be at least 1, got {k}", nameof(k));
        }

        _lock.EnterReadLock();
        try
        {
            // The index's candidates, with the metric's float32 distance: the index's own when it measures the stored
            // vectors (flat, float32 HNSW, IVF-Flat under L2), recomputed from them otherwise (quantised indexes).
            var exact = _index.ExactDistances;
            Func<ulong, bool>? byKey = accept is null ? null : key => _slotOfKey[key] is var slot && accept(_ids[slot]!, _payloads[slot]);
            var candidates = _index.Search(query, _index.CandidatesFor(k), byKey, options ?? SearchOptions.Default);
            var ranked = new (float Distance, int Slot)[candidates.Count];
            for (var i = 0; i < ranked.Length; i++)
            {
                var (key, reported) = candidates[i];
                var slot = _slotOfKey[key];
                ranked[i] = (exact ? reported : VectorDistance.Of(Spec.Metric, query, _arena[slot]), slot);
            }

            Array.Sort(ranked, (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : string.CompareOrdinal(_ids[a.Slot], _ids[b.Slot]));
            var hits = new SearchHit[Math.Min(k, ranked.Length)];
            for (var i = 0; i < hits.Length; i++)
            {
                var (distance, slot) = ranked[i];
                hits[i] = new SearchHit(_ids[slot]!, distance, _payloads[slot]);
            }

            return hits;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>A copy of every record, in no particular order (for scans by a caller's own predicate).</summary>
    public IReadOnlyList<VectorRecord> Scan()
    {
        _lock.EnterReadLock();
        try
        {
            var records = new List<VectorRecord>(_arena.Count);
            for (var slot = 0; slot < _arena.Extent; slot++)
            {
                if (_arena.IsAlive(slot))
                {
                    records.Add(new VectorRecord(_ids[slot]!, _arena[slot].ToArray(), _payloads[slot]?.DeepClone().AsObject()));
                }
            }

            return records;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Every accepted record within <paramref name="radius"/> of the query (distance ≤ radius), nearest first, at most <paramref name="limit"/>; exact.</summary>
    public IReadOnlyList<SearchHit> SearchRange(ReadOnlySpan<float> query, float radius, int limit, PayloadFilter? filter = null)
    {
        RequireQuery(query);
        if (!float.IsFinite(radius) || limit < 1)
        {
            throw new ArgumentException($"the radius must be a finite number and the limit at least 1; got {radius} and {limit}");
        }

        _lock.EnterReadLock();
        try
        {
            var hits = new List<(int Slot, float Distance)>();
            for (var slot = 0; slot < _arena.Extent; slot++)
            {
                if (_arena.IsAlive(slot) && (filter is null || filter.Matches(_payloads[slot])) && VectorDistance.Of(Spec.Metric, query, _arena[slot]) is var d && d <= radius)
                {
                    hits.Add((slot, d));
                }
            }

            return [.. hits.OrderBy(h => h.Distance).ThenBy(h => _ids[h.Slot], StringComparer.Ordinal).Take(limit).Select(h => new SearchHit(_ids[h.Slot]!, h.Distance, _payloads[h.Slot]))];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Writes every record to a new snapshot and starts an empty log (restarts then replay less).</summary>
    public void Checkpoint()
    {
        _lock.EnterWriteLock();
        try
        {
            CheckpointLocked();
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    public void Dispose()
    {
        _log?.Dispose();
        _index.Dispose();
        _ownership.Dispose();
        _lock.Dispose();
    }

    private static FileStream Own(string folder)
    {
        try
        {
            return new FileStream(Path.Combine(folder, "LOCK"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"{folder} is open in another process (its LOCK file is held)", e);
        }
    }

    private static FileStream NewLog(string path)
    {
        WriteAtomically(path, stream => FrameFile.WriteHeader(stream, LogMagic));
        var log = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        log.Seek(0, SeekOrigin.End);
        return log;
    }

    // Written beside the target, flushed to disk, then renamed over it: a reader sees the old file or the whole new one.
    private static void WriteAtomically(string path, Action<Stream> write)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static void RequireQuery(ReadOnlySpan<float> query)
    {
        foreach (var value in query)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException("the query holds a value that is not a finite number", nameof(query));
            }
        }
    }

    private void Recover()
    {
        var indexPath = Path.Combine(_folder, "index.json");
        if (File.Exists(indexPath))
        {
            IndexSpec? spec;
            try
            {
                spec = JsonSerializer.Deserialize<IndexSpec>(File.ReadAllText(indexPath), Json);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{indexPath} is not an index spec: {e.Message}; it was left as it is", e);
            }

            if (spec is null || spec.DescribeProblem(Spec) is { } problem)
            {
                throw new InvalidDataException($"{indexPath}: {(spec is null ? "empty" : spec.DescribeProblem(Spec))}; it was left as it is");
            }

            _indexSpec = spec;
        }

        // The snapshot fills the records only; its generation's saved graph, or a rebuild, fills the index.
        var snapshotPath = Path.Combine(_folder, "snapshot");
        if (File.Exists(snapshotPath))
        {
            using var snapshot = File.OpenRead(snapshotPath);
            FrameFile.ReadHeader(snapshot, SnapshotMagic, snapshotPath);
            (long Count, long Generation)? end = null;
            FrameFile.ReadFrames(snapshot, frame =>
            {
                if (frame.Length == 17 && frame[0] == (byte)'E')
                {
                    end = (BitConverter.ToInt64(frame, 1), BitConverter.ToInt64(frame, 9));
                    return;
                }

                RecordCodec.Decode(frame, record => Apply(record, updateIndex: false), Remove);
            });
            if (end?.Count != _arena.Count || snapshot.Position != snapshot.Length)
            {
                throw new InvalidDataException($"{snapshotPath} is incomplete or damaged (it declares {end?.Count.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no"} records, {_arena.Count} were read); it was left as it is");
            }

            _generation = end.Value.Generation;
        }

        if (_indexSpec.Kind != IndexSpec.Flat.Kind || _indexSpec.Shards > 1)
        {
            var saved = _indexSpec.Load(Spec, Path.Combine(_folder, IndexFile(_generation)), _arena.Count);
            IndexLoadedFromDisk = saved is not null;
            _index.Dispose();
            _index = saved ?? _indexSpec.Build(Spec, _arena, ReadCodebook());
        }

        var logPath = Path.Combine(_folder, "log");
        if (!File.Exists(logPath))
        {
            _log = NewLog(logPath);
            return;
        }

        var log = new FileStream(logPath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        try
        {
            FrameFile.ReadHeader(log, LogMagic, logPath);
            var end = FrameFile.ReadFrames(log, frame => RecordCodec.Decode(frame, record => Apply(record, updateIndex: true), Remove));
            DroppedTornBytes = log.Length - end;
            if (DroppedTornBytes > 0)
            {
                log.SetLength(end);
                log.Flush(flushToDisk: true);
            }

            log.Seek(0, SeekOrigin.End);
            _log = log;
        }
        catch
        {
            log.Dispose();
            throw;
        }
    }

    private void Append(byte[] batch)
    {
        if (batch.Length > FrameFile.MaxFrameBytes)
        {
            throw new ArgumentException($"the batch encodes to {batch.Length} bytes; split it below {FrameFile.MaxFrameBytes} bytes");
        }

        FrameFile.WriteFrame(_log, batch);
        _log.Flush(flushToDisk: true);
    }

    private void Apply(KeyedRecord keyed, bool updateIndex)
    {
        var (key, record) = keyed;
        if (_slots.TryGetValue(record.Id, out var slot) && _arena.KeyOf(slot) == key)
        {
            _arena.Replace(slot, record.Vector);
            _payloads[slot] = record.Payload;
        }
        else
        {
            Remove(record.Id);
            slot = _arena.Add(key, record.Vector);
            _slots[record.Id] = slot;
            _slotOfKey[key] = slot;
            _nextKey = Math.Max(_nextKey, key + 1);
            while (_ids.Count <= slot)
            {
                _ids.Add(null);
                _payloads.Add(null);
            }

            _ids[slot] = record.Id;
            _payloads[slot] = record.Payload;
        }

        if (updateIndex)
        {
            _index.Set(key, record.Vector);
        }
    }

    // The shared codebook an IVF index was built with, when one was given (CreateIndex with a codebook).
    private IvfCodebook? ReadCodebook()
    {
        var path = Path.Combine(_folder, "codebook.bin");
        if (!File.Exists(path))
        {
            return null;
        }

        using var reader = new BinaryReader(File.OpenRead(path));
        return IvfCodebook.Read(reader);
    }

    /// <summary>This collection's side of a federated k-means (<see cref="FederatedKMeans"/>): its statistics, never its vectors.</summary>
    public LocalStatistics Statistics() => new(this);

    /// <summary>A collection's statistics for federated k-means, computed here (the party's side; <see cref="ICentroidStatisticsSource"/>).</summary>
    public sealed class LocalStatistics(VectorCollection collection) : ICentroidStatisticsSource
    {
        public Task<(double[] Sum, double[] SumSquares, long Count)> MomentsAsync(float[]? coarse, int start, int length, CancellationToken cancellationToken) =>
            Task.FromResult(Moments(coarse, start, length));

        public Task<(double[] Sums, long[] Counts)> AccumulateAsync(float[] centroids, float[]? coarse, int start, int length, int minCount, CancellationToken cancellationToken) =>
            Task.FromResult(Accumulate(centroids, coarse, start, length, minCount));

        public (double[] Sum, double[] SumSquares, long Count) Moments(float[]? coarse, int start, int length)
        {
            var (sum, squares) = (new double[length], new double[length]);
            long count = 0;
            collection.ForEachPrepared(coarse, start, length, part =>
            {
                for (var i = 0; i < length; i++)
                {
                    sum[i] += part[i];
                    squares[i] += part[i] * (double)part[i];
                }

                count++;
            });
            return (sum, squares, count);
        }

        public (double[] Sums, long[] Counts) Accumulate(float[] centroids, float[]? coarse, int start, int length, int minCount)
        {
            var k = centroids.Length / length;
            var (sums, counts) = (new double[k * length], new long[k]);
            var norms = KMeans.Norms(centroids, length);
            collection.ForEachPrepared(coarse, start, length, part =>
            {
                var c = KMeans.Nearest(part, centroids, norms, length);
                counts[c]++;
                for (var i = 0; i < length; i++)
                {
                    sums[(c * length) + i] += part[i];
                }
            });

            // A sum over fewer than minCount vectors would describe them: such a centroid is left out entirely.
            for (var c = 0; c < k; c++)
            {
                if (counts[c] < minCount)
                {
                    counts[c] = 0;
                    sums.AsSpan(c * length, length).Clear();
                }
            }

            return (sums, counts);
        }
    }

    // Every live vector as IVF sees it (unit length for cosine), as its residual to the nearest coarse centroid when
    // given, cut to [start, start + length).
    private void ForEachPrepared(float[]? coarse, int start, int length, Action<float[]> visit)
    {
        var d = Spec.Dimension;
        var norms = coarse is null ? null : KMeans.Norms(coarse, d);
        var x = new float[d];
        var part = new float[length];
        _lock.EnterReadLock();
        try
        {
            for (var slot = 0; slot < _arena.Extent; slot++)
            {
                if (!_arena.IsAlive(slot))
                {
                    continue;
                }

                _arena[slot].CopyTo(x);
                if (Spec.Metric == VectorMetric.Cosine && System.Numerics.Tensors.TensorPrimitives.Norm(x) is var norm and > 0)
                {
                    System.Numerics.Tensors.TensorPrimitives.Divide(x, norm, x);
                }

                if (coarse is not null)
                {
                    var c = KMeans.Nearest(x, coarse, norms!, d);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(x, coarse.AsSpan(c * d, d), x);
                }

                x.AsSpan(start, length).CopyTo(part);
                visit(part);
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    private static string IndexFile(long generation) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"index-{generation}.bin");

    private void Remove(string id)
    {
        if (_slots.Remove(id, out var slot))
        {
            var key = _arena.KeyOf(slot);
            _index.Remove(key);
            _slotOfKey.Remove(key);
            _arena.Free(slot);
            _ids[slot] = null;
            _payloads[slot] = null;
        }
    }


    private void CheckpointLocked()
    {
        // The next generation's graph first, then the snapshot that names it: a crash between leaves the old pair.
        var generation = _generation + 1;
        // Written under the new generation's name directly: no snapshot names it until the rename below, so a crash
        // midway leaves files that the next checkpoint overwrites or removes.
        if (_index is IPersistentIndex persistent && _indexSpec.Kind != IndexSpec.Flat.Kind)
        {
            persistent.Save(Path.Combine(_folder, IndexFile(generation)));
        }

        WriteAtomically(Path.Combine(_folder, "snapshot"), stream =>
        {
            FrameFile.WriteHeader(stream, SnapshotMagic);
            var batch = new List<KeyedRecord>(4096);
            for (var slot = 0; slot < _arena.Extent; slot++)
            {
                if (_arena.IsAlive(slot))
                {
                    batch.Add(new KeyedRecord(_arena.KeyOf(slot), new VectorRecord(_ids[slot]!, _arena[slot].ToArray(), _payloads[slot])));
                }

                if (batch.Count == 4096 || (slot == _arena.Extent - 1 && batch.Count > 0))
                {
                    FrameFile.WriteFrame(stream, RecordCodec.EncodeUpserts(batch));
                    batch.Clear();
                }
            }

            var end = new byte[17];
            end[0] = (byte)'E';
            BitConverter.TryWriteBytes(end.AsSpan(1), (long)_arena.Count);
            BitConverter.TryWriteBytes(end.AsSpan(9), generation);
            FrameFile.WriteFrame(stream, end);
        });
        _generation = generation;
        foreach (var old in Directory.EnumerateFiles(_folder, "index-*.bin*"))
        {
            // index-G.bin and, for a sharded index, its index-G.bin.shard-i files stay.
            var name = Path.GetFileName(old);
            if (!string.Equals(name, IndexFile(generation), StringComparison.Ordinal) && !name.StartsWith(IndexFile(generation) + ".shard-", StringComparison.Ordinal))
            {
                File.Delete(old);
            }
        }

        _log.Dispose();
        _log = NewLog(Path.Combine(_folder, "log"));
    }
}

/// <summary>What building an index took.</summary>
/// <param name="BuildSeconds">Inserting every record.</param>
/// <param name="CheckpointSeconds">Saving the index and the snapshot afterwards.</param>
/// <param name="IndexBytes">The index saved to a file (HNSW: graph and stored vectors); null for flat, which stores nothing beyond the records.</param>
public sealed record IndexBuild(double BuildSeconds, double CheckpointSeconds, long? IndexBytes);
