using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Federation;
using Causeway.Federation.Vectors;
using Causeway.Privacy.Mechanisms;
using Causeway.Vectors;

namespace Causeway.Party;

/// <summary>
/// A party's side of federated vector search: answers a <see cref="VectorQuery"/> from its own <see cref="VectorStore"/>,
/// shaped by each collection's <see cref="DisclosurePolicy"/>, rate-limited per querier, and written to an audit log.
/// </summary>
/// <remarks>
/// <para>
/// <b>What leaves the party:</b> for each hit, its id; its distance to the query when the policy releases distances (with
/// the policy's Gaussian noise); the payload fields the policy names. Never a vector. Nothing leaves when the query
/// matches fewer records than the policy's minimum answer, when the querier is over its rate, or when the collection
/// does not exist here; the answer then says why.
/// </para>
/// <para>
/// <b>Audit:</b> <c>audit.jsonl</c> in the store's folder gets one line per query: when, who, which collection, k, the
/// filter, and how many hits left (or why none). It never holds the query vector or a hit's values.
/// </para>
/// </remarks>
public sealed class VectorParty : IDisposable
{
    private readonly VectorStore _store;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Querier, string Collection), Queue<DateTimeOffset>> _recent = [];
    private readonly NoiseSource _noise = NoiseSource.Create();
    private readonly Dictionary<string, (DateTime Written, object? Value)> _fromFiles = new(StringComparer.Ordinal);

    /// <param name="store">The party's store (owned by the caller).</param>
    /// <param name="time">The clock of rate limits and the audit log; the system's when null.</param>
    public VectorParty(VectorStore store, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The audit log's path.</summary>
    public string AuditPath => Path.Combine(_store.Folder, "audit.jsonl");

    /// <summary>True for the requests this class answers.</summary>
    public static bool Handles(ProtocolMessage request) =>
        request is VectorQuery or MomentsRequest or CentroidStatsRequest or CodebookInstall or EncoderInstall or CollectionsRequest;

    /// <summary>
    /// The statistics a secure k-means step asks for, encoded for masking (<see cref="KMeansStatisticsEncoding"/>), or why
    /// this party does not take part (no such collection, a value beyond the public bound).
    /// </summary>
    public (uint[]? Encoded, string? Problem) EncodeStatistics(RoundInfo round, MaskedStatisticsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reply = Handle(new ProtocolStep(round, request.Statistics)).Reply;
        return reply switch
        {
            MomentsReply { Refusal: { } why } => (null, why),
            CentroidStatsReply { Refusal: { } why } => (null, why),
            MomentsReply or CentroidStatsReply => KMeansStatisticsEncoding.Encode(request, reply),
            _ => (null, $"{request.Statistics.Name} is not a k-means statistics request"),
        };
    }

    public ProtocolStepReply Handle(ProtocolStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return step.Request switch
        {
            VectorQuery query => ProtocolStepReply.Success(Answer(query)),
            MomentsRequest moments => ProtocolStepReply.Success(Moments(moments)),
            CentroidStatsRequest stats => ProtocolStepReply.Success(Accumulate(stats)),
            CodebookInstall install => ProtocolStepReply.Success(Install(install)),
            EncoderInstall install => ProtocolStepReply.Success(Install(install)),
            CollectionsRequest => ProtocolStepReply.Success(Collections()),
            _ => ProtocolStepReply.Failed($"not a vector store request: {step.Request.Name}"),
        };
    }

    // Each collection's name, shape and size: what the operator's dashboard lists. Never a vector or a payload.
    private CollectionsReply Collections()
    {
        var collections = new List<CollectionSummary>();
        foreach (var name in _store.Names())
        {
            if (_store.Get(name) is { } collection)
            {
                var spec = collection.Spec;
                var metric = spec.Metric switch { VectorMetric.L2 => "l2", VectorMetric.InnerProduct => "ip", _ => "cosine" };
                collections.Add(new CollectionSummary(name, spec.Dimension, metric, collection.Index.Kind, collection.Count));
            }
        }

        return new CollectionsReply(collections, null);
    }

    // Federated k-means: statistics of the collection's vectors, never a vector (docs/vectors.md).
    private MomentsReply Moments(MomentsRequest request)
    {
        // Length 0 asks for the count alone (the probe of a secure training, which reveals no value).
        var (collection, refusal) = Open(request.Collection, request.Coarse, request.Start, Math.Max(request.Length, 1));
        if (collection is not null && request.Length == 0)
        {
            return new MomentsReply([], [], collection.Count, null);
        }

        if (collection is null)
        {
            return new MomentsReply([], [], 0, refusal);
        }

        var (sum, squares, count) = collection.Statistics().Moments(request.Coarse, request.Start, request.Length);
        return new MomentsReply(sum, squares, count, null);
    }

    private CentroidStatsReply Accumulate(CentroidStatsRequest request)
    {
        var (collection, refusal) = Open(request.Collection, request.Coarse, request.Start, request.Length);
        if (collection is null)
        {
            return new CentroidStatsReply([], [], refusal);
        }

        var (sums, counts) = collection.Statistics().Accumulate(request.Centroids, request.Coarse, request.Start, request.Length, request.MinCount);
        return new CentroidStatsReply(sums, counts, null);
    }

    private CodebookInstalled Install(CodebookInstall request)
    {
        var (collection, refusal) = Open(request.Collection, null, 0, 1);
        if (collection is null)
        {
            return new CodebookInstalled(0, refusal);
        }

        var codebook = new IvfCodebook(
            collection.Spec.Dimension, request.Lists, request.SubQuantizers, request.Centroids, request.SubQuantizers == 0 ? null : request.Codebooks);
        try
        {
            collection.CreateIndex(new IndexSpec(request.SubQuantizers == 0 ? "ivfflat" : "ivfpq", Ivf: new IvfOptions(Nlist: request.Lists, M: request.SubQuantizers == 0 ? null : request.SubQuantizers)), codebook);
        }
        catch (ArgumentException e)
        {
            return new CodebookInstalled(0, e.Message);
        }

        return new CodebookInstalled(collection.Count, null);
    }

    // The federation's encoder for a collection held here; the collection keeps its earlier encoder when this one does not fit.
    private EncoderInstalled Install(EncoderInstall request)
    {
        var (collection, refusal) = Open(request.Collection, null, 0, 1);
        if (collection is null)
        {
            return new EncoderInstalled(0, refusal);
        }

        var (encoder, problem) = VectorEncoder.Install(_store.FolderOf(request.Collection), request.Model, collection.Spec.Dimension);
        return encoder is null ? new EncoderInstalled(0, problem) : new EncoderInstalled(encoder.Width, null);
    }

    /// <summary>The collection's encoder (read again only when its file changes), or null when it has none.</summary>
    /// <exception cref="InvalidDataException">The encoder file is damaged.</exception>
    public VectorEncoder? EncoderOf(string collection) =>
        FromFile(collection, VectorEncoder.FileName, () => VectorEncoder.Load(_store.FolderOf(collection)));

    // The collection, when it exists here and the requested window fits its dimension.
    private (VectorCollection? Collection, string? Refusal) Open(string name, float[]? coarse, int start, int length)
    {
        VectorCollection? collection;
        try
        {
            collection = _store.Get(name);
        }
        catch (IOException e)
        {
            return (null, $"collection '{name}' cannot be opened here: {e.Message}");
        }

        if (collection is null)
        {
            return (null, $"this party holds no collection '{name}'");
        }

        var d = collection.Spec.Dimension;
        return start < 0 || length < 1 || start + length > d || (coarse is not null && coarse.Length % d != 0)
            ? (null, $"collection '{name}' has dimension {d}; the request's window [{start}, {start + length}) or its centroids do not fit it")
            : (collection, null);
    }

    /// <summary>This party's answer to <paramref name="query"/>.</summary>
    public VectorAnswer Answer(VectorQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = _time.GetUtcNow();
        var answer = Search(query, now);
        Audit(query, answer, now);
        return answer;
    }

    public void Dispose() => _noise.Dispose();

    private VectorAnswer Search(VectorQuery query, DateTimeOffset now)
    {
        if (query.DescribeProblem() is { } malformed)
        {
            return Refused(malformed);
        }

        VectorCollection? collection;
        DisclosurePolicy policy;
        try
        {
            collection = _store.Get(query.Collection);
            if (collection is null)
            {
                return Refused($"this party holds no collection '{query.Collection}'");
            }

            policy = PolicyOf(query.Collection);
        }
        catch (IOException e)
        {
            return Refused($"collection '{query.Collection}' cannot be searched here: {e.Message}");
        }

        if (!WithinRate(query.Querier, query.Collection, policy.QueriesPerMinute, now))
        {
            return Refused($"rate limit: collection '{query.Collection}' answers {policy.QueriesPerMinute} queries per minute from one querier");
        }

        if (query.Vector.Length != collection.Spec.Dimension)
        {
            return Refused($"collection '{query.Collection}' has dimension {collection.Spec.Dimension}; the query has {query.Vector.Length} values");
        }

        PayloadFilter? filter;
        try
        {
            filter = query.FilterJson is null ? null : PayloadFilter.From(JsonNode.Parse(query.FilterJson) as JsonObject ?? throw new JsonException("not an object"));
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return Refused($"the filter is not a JSON object of field conditions ({e.Message})");
        }

        // Enough matches for the minimum answer: ask for at least that many, then return k of them.
        var hits = collection.Search(query.Vector, Math.Max(query.K, policy.MinAnswer), filter, new SearchOptions(query.Ef, query.Nprobe));
        if (hits.Count < policy.MinAnswer)
        {
            return Refused($"fewer than {policy.MinAnswer} records match; this collection answers only queries that match at least that many");
        }

        return new VectorAnswer([.. hits.Take(query.K).Select(h => Shape(h, policy))], null);
    }

    private VectorHit Shape(SearchHit hit, DisclosurePolicy policy)
    {
        float? distance = null;
        if (policy.Distances)
        {
            lock (_lock)
            {
                distance = policy.DistanceNoise > 0 ? hit.Distance + (float)(policy.DistanceNoise * _noise.NextStandardNormal()) : hit.Distance;
            }
        }

        string? payload = null;
        if (hit.Payload is { } fields && policy.PayloadFields.Count > 0)
        {
            var released = new JsonObject();
            foreach (var name in policy.PayloadFields)
            {
                if (fields.TryGetPropertyValue(name, out var value))
                {
                    released[name] = value?.DeepClone();
                }
            }

            payload = released.Count > 0 ? released.ToJsonString() : null;
        }

        return new VectorHit(hit.Id, distance, payload);
    }

    // The collection's policy, read again only when its file changed (the party may edit it while serving).
    private DisclosurePolicy PolicyOf(string collection) =>
        FromFile(collection, DisclosurePolicy.FileName, () => DisclosurePolicy.Of(_store.FolderOf(collection)));

    // What a file of the collection's folder holds, loaded again only when the file's write time changes.
    private T FromFile<T>(string collection, string fileName, Func<T> load)
    {
        var key = collection + "/" + fileName;
        var written = File.GetLastWriteTimeUtc(Path.Combine(_store.FolderOf(collection), fileName));
        lock (_lock)
        {
            if (_fromFiles.TryGetValue(key, out var cached) && cached.Written == written)
            {
                return (T)cached.Value!;
            }
        }

        var value = load();
        lock (_lock)
        {
            _fromFiles[key] = (written, value);
        }

        return value;
    }

    // A sliding minute per querier and collection.
    private bool WithinRate(string querier, string collection, int perMinute, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_recent.TryGetValue((querier, collection), out var times))
            {
                _recent[(querier, collection)] = times = new Queue<DateTimeOffset>();
            }

            while (times.Count > 0 && now - times.Peek() >= TimeSpan.FromMinutes(1))
            {
                times.Dequeue();
            }

            if (times.Count >= perMinute)
            {
                return false;
            }

            times.Enqueue(now);
            return true;
        }
    }

    private void Audit(VectorQuery query, VectorAnswer answer, DateTimeOffset now)
    {
        var line = new JsonObject
        {
            ["at"] = now.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["querier"] = query.Querier,
            ["collection"] = query.Collection,
            ["k"] = query.K,
            ["filter"] = query.FilterJson,
            ["hits"] = answer.Hits.Count,
            ["refusal"] = answer.Refusal,
        }.ToJsonString();
        lock (_lock)
        {
            File.AppendAllText(AuditPath, line + "\n");
        }
    }

    private static VectorAnswer Refused(string why) => new([], why);
}
