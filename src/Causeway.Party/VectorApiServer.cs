using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Federation.Vectors;
using Causeway.Vectors;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Causeway.Party;

/// <summary>
/// A party's vector store over HTTP JSON, in the shape users know from Qdrant and Milvus, for the party's own
/// applications (plain HTTP on a loopback address, like <see cref="RecommendationServer"/>): the store holds the party's
/// own records, so the endpoint has no authentication and listens on loopback only.
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>GET /collections</c></term><description><c>{"collections": [{"name", "dimension", "metric", "count", "index"}]}</c></description></item>
/// <item><term><c>PUT /collections/{name}</c></term><description><c>{"dimension": 128, "metric": "l2"|"ip"|"cosine"}</c>: 201; 409 when it exists.</description></item>
/// <item><term><c>PUT /collections/{name}/points</c></term><description><c>{"points": [{"id", "vector" | "input", "payload"}]}</c>: upserted durably as one batch (<c>input</c>: a raw row that the collection's encoder embeds here); <c>{"acknowledged": n}</c>.</description></item>
/// <item><term><c>POST /collections/{name}/points/delete</c></term><description><c>{"ids": [...]}</c>: <c>{"deleted": n}</c>.</description></item>
/// <item><term><c>GET /collections/{name}/points/{id}</c></term><description><c>{"id", "vector", "payload"}</c>; 404 when absent.</description></item>
/// <item><term><c>POST /collections/{name}/index</c></term><description><c>{"kind": "flat"|"hnsw"|"ivfflat"|"ivfpq", "m", "ef_construction", "quantization", "nlist", "pq_m", "shards"}</c>: built and saved; the build's seconds.</description></item>
/// <item><term><c>POST /collections/{name}/points/search</c></term><description><c>{"vector" | "id" | "input", "top_k", "ef", "nprobe", "filter", "radius"}</c>: <c>{"hits": [{"id", "distance", "payload"}]}</c>, nearest first. <c>id</c> queries with a record of the collection (left out of the hits), <c>input</c> with a raw row embedded by the collection's encoder.</description></item>
/// <item><term><c>POST /federated/search</c></term><description><c>{"collection", "vector" | "id" | "input", "top_k", "ef", "nprobe", "filter", "deadline_seconds"}</c>: a federated query asked as this party (the coordinator names it as the querier); <c>{"hits": [{"party", "id", "distance", "payload"}], "parties": [...], "partial"}</c>. 409 when the store is not in a federation.</description></item>
/// </list>
/// Bad input answers 400 with <c>{"error"}</c> naming the field or record; an unknown collection 404.
/// </remarks>
public sealed class VectorApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private VectorApiServer(WebApplication app, Uri address) => (_app, Address) = (app, address);

    /// <summary>The address the endpoint listens on (http://127.0.0.1:PORT/).</summary>
    public Uri Address { get; }

    /// <param name="endpoint">A loopback address and port.</param>
    /// <param name="store">The party's store (owned by the caller).</param>
    /// <param name="vectors">The party's side of federated search, for the collections' encoders (owned by the caller).</param>
    /// <param name="federated">Asks a federated query as this party; null when the party is not in a federation.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentException">The address is not loopback.</exception>
    public static async Task<VectorApiServer> StartAsync(
        IPEndPoint endpoint, VectorStore store, VectorParty vectors, FederatedSearch? federated, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(vectors);
        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ArgumentException($"The vector store API listens on loopback addresses only (it has no authentication); got {endpoint.Address}.", nameof(endpoint));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint));
        var app = builder.Build();
        app.MapGet("/collections", () => Results.Json(new JsonObject
        {
            ["collections"] = new JsonArray([.. store.Names().Select(name => store.Get(name)!).Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Spec.Name, ["dimension"] = c.Spec.Dimension, ["metric"] = Metric(c.Spec.Metric), ["count"] = c.Count, ["index"] = c.Index.Kind,
            })]),
        }));
        app.MapPut("/collections/{name}", (string name, JsonObject body) => Guard(() =>
        {
            var metric = body["metric"]?.GetValue<string>() ?? "l2";
            var spec = new CollectionSpec(name, body["dimension"]?.GetValue<int>() ?? 0, metric switch
            {
                "l2" => VectorMetric.L2,
                "ip" => VectorMetric.InnerProduct,
                "cosine" => VectorMetric.Cosine,
                _ => throw new ArgumentException($"metric must be l2, ip or cosine, got '{metric}'"),
            });
            if (store.Get(name) is not null)
            {
                return Error(StatusCodes.Status409Conflict, $"collection '{name}' exists already");
            }

            store.Create(spec);
            return Results.Json(new JsonObject { ["name"] = name }, statusCode: StatusCodes.Status201Created);
        }));
        app.MapPut("/collections/{name}/points", (string name, JsonObject body) => WithCollection(store, name, collection =>
        {
            var points = body["points"] as JsonArray ?? throw new ArgumentException("the body must be {\"points\": [{\"id\", \"vector\" or \"input\", \"payload\"}]}");
            // Raw rows ("input") are embedded together by the collection's encoder; vectors are taken as given.
            var inputs = points.Select(p => p?["input"] as JsonObject).ToList();
            var embedded = inputs.Any(i => i is not null)
                ? new Queue<float[]>(EncoderOf(vectors, name).Embed([.. inputs.OfType<JsonObject>()], "points' inputs"))
                : null;
            var records = points.Select((p, i) => new VectorRecord(
                p?["id"]?.ToString() ?? throw new ArgumentException($"points[{i}] has no id"),
                inputs[i] is not null ? embedded!.Dequeue() : Floats(p["vector"], $"points[{i}] has no vector (or input)"),
                p["payload"] is JsonObject payload ? payload.DeepClone().AsObject() : null)).ToList();
            collection.Upsert(records);
            return Results.Json(new JsonObject { ["acknowledged"] = records.Count });
        }));
        app.MapPost("/collections/{name}/points/delete", (string name, JsonObject body) => WithCollection(store, name, collection =>
        {
            var ids = (body["ids"] as JsonArray ?? throw new ArgumentException("the body must be {\"ids\": [...]}")).Select(id => id!.ToString()).ToList();
            return Results.Json(new JsonObject { ["deleted"] = collection.Delete(ids) });
        }));
        app.MapGet("/collections/{name}/points/{id}", (string name, string id) => WithCollection(store, name, collection =>
            collection.Get(id) is { } record
                ? Results.Json(new JsonObject { ["id"] = record.Id, ["vector"] = new JsonArray([.. record.Vector.Select(v => (JsonNode)v)]), ["payload"] = record.Payload?.DeepClone() })
                : Error(StatusCodes.Status404NotFound, $"collection '{name}' holds no point '{id}'")));
        app.MapPost("/collections/{name}/index", (string name, JsonObject body) => WithCollection(store, name, collection =>
        {
            var kind = body["kind"]?.GetValue<string>() ?? throw new ArgumentException("kind is required: flat, hnsw, ivfflat or ivfpq");
            var spec = kind switch
            {
                "hnsw" => new IndexSpec("hnsw", new HnswOptions(
                    body["m"]?.GetValue<int>() ?? 16, body["ef_construction"]?.GetValue<int>() ?? 128, Quantization: (body["quantization"]?.GetValue<string>() ?? "f32") switch
                    {
                        "f32" => HnswQuantization.F32,
                        "f16" => HnswQuantization.F16,
                        "i8" => HnswQuantization.I8,
                        var other => throw new ArgumentException($"quantization must be f32, f16 or i8, got '{other}'"),
                    })),
                "ivfflat" or "ivfpq" => new IndexSpec(kind, Ivf: new IvfOptions(Nlist: body["nlist"]?.GetValue<int>(), M: body["pq_m"]?.GetValue<int>())),
                _ => new IndexSpec(kind),
            } with { Shards = body["shards"]?.GetValue<int>() ?? 1 };
            var build = collection.CreateIndex(spec);
            return Results.Json(new JsonObject { ["kind"] = kind, ["count"] = collection.Count, ["build_seconds"] = build.BuildSeconds });
        }));
        app.MapPost("/collections/{name}/points/search", (string name, JsonObject body) => WithCollection(store, name, collection =>
        {
            var (vector, like) = QueryVector(collection, vectors, body);
            var topK = body["top_k"]?.GetValue<int>() ?? 10;
            var filter = PayloadFilter.From(body["filter"] as JsonObject);
            var hits = body["radius"] is { } radius
                ? collection.SearchRange(vector, radius.GetValue<float>(), topK + (like is null ? 0 : 1), filter)
                : collection.Search(vector, topK + (like is null ? 0 : 1), filter, new SearchOptions(body["ef"]?.GetValue<int>(), body["nprobe"]?.GetValue<int>()));
            return Results.Json(new JsonObject
            {
                ["hits"] = new JsonArray([.. hits.Where(h => h.Id != like).Take(topK).Select(h => (JsonNode)new JsonObject { ["id"] = h.Id, ["distance"] = h.Distance, ["payload"] = h.Payload?.DeepClone() })]),
            });
        }));
        app.MapPost("/federated/search", async (JsonObject body, CancellationToken aborted) =>
        {
            if (federated is null)
            {
                return Error(StatusCodes.Status409Conflict, "this store is not in a federation: run it as `causeway party --vectors DIR --vectors-api ADDRESS`");
            }

            VectorQuery query;
            string? like;
            double deadline;
            try
            {
                var name = body["collection"]?.GetValue<string>() ?? throw new ArgumentException("collection is required");
                var local = store.Get(name);
                (var vector, like) = local is not null ? QueryVector(local, vectors, body)
                    : body["vector"] is not null ? (Floats(body["vector"], "vector"), null)
                    : throw new ArgumentException($"this party holds no collection '{name}': query with a vector, or create the collection to query by id or input");
                query = new VectorQuery(
                    name, vector, (body["top_k"]?.GetValue<int>() ?? 10) + (like is null ? 0 : 1), body["ef"]?.GetValue<int>(), body["nprobe"]?.GetValue<int>(),
                    (body["filter"] as JsonObject)?.ToJsonString(), "this party");
                deadline = body["deadline_seconds"]?.GetValue<double>() ?? 5;
                if (!(deadline > 0 && deadline <= 60))
                {
                    throw new ArgumentException($"deadline_seconds must be in (0, 60], got {deadline}");
                }
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or JsonException or IOException)
            {
                return Error(StatusCodes.Status400BadRequest, e.Message);
            }

            try
            {
                var result = await federated.AskAsync(query, deadline, aborted).ConfigureAwait(false);
                return Results.Json(FederatedJson(result, federated.PartyId, like, query.K - (like is null ? 0 : 1)));
            }
            catch (CoordinatorException e)
            {
                return Error(StatusCodes.Status502BadGateway, $"the coordinator refused the query: {e.Message}");
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or System.Net.Sockets.SocketException || (e is OperationCanceledException && !aborted.IsCancellationRequested))
            {
                return Error(StatusCodes.Status504GatewayTimeout, $"the coordinator did not answer: {e.Message}");
            }
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return new VectorApiServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    // The query vector: given ("vector"), a record of this collection ("id", left out of the hits), or a raw row that the
    // collection's encoder embeds here ("input"); exactly one of them.
    private static (float[] Vector, string? Like) QueryVector(VectorCollection collection, VectorParty vectors, JsonObject body)
    {
        var given = new[] { "vector", "id", "input" }.Where(body.ContainsKey).ToList();
        if (given.Count != 1)
        {
            throw new ArgumentException("give exactly one of vector, id (a record of this collection) or input (a raw row for the collection's encoder)");
        }

        return given[0] switch
        {
            "vector" => (Floats(body["vector"], "vector"), null),
            "id" => body["id"]?.ToString() is { Length: > 0 } id
                ? (collection.Get(id)?.Vector ?? throw new ArgumentException($"collection '{collection.Spec.Name}' holds no record '{id}'"), id)
                : throw new ArgumentException("id must name a record of this collection"),
            _ => (EncoderOf(vectors, collection.Spec.Name).Embed([body["input"] as JsonObject ?? throw new ArgumentException("input must be a JSON object of column -> value")], "input")[0], null),
        };
    }

    private static VectorEncoder EncoderOf(VectorParty vectors, string collection) =>
        vectors.EncoderOf(collection)
        ?? throw new InvalidOperationException($"collection '{collection}' has no encoder to embed raw input with: deploy one (POST /api/vectors/encoder at the coordinator) or install one (causeway vectors encoder)");

    private static float[] Floats(JsonNode? node, string missing) =>
        (node as JsonArray ?? throw new ArgumentException(missing)).Select(v => v?.GetValue<float>() ?? throw new ArgumentException("a vector holds a null")).ToArray();

    // The coordinator's answer as the party's applications read it; a query by id leaves out the record it was asked with.
    private static JsonObject FederatedJson(FederatedSearchResult result, string self, string? like, int topK) => new()
    {
        ["collection"] = result.Collection,
        ["hits"] = new JsonArray([.. result.Hits.Where(h => like is null || h.Id != like || h.Party != self).Take(topK).Select(h => (JsonNode)new JsonObject
        {
            ["party"] = h.Party, ["id"] = h.Id, ["distance"] = h.Distance, ["payload"] = h.Payload?.DeepClone(),
        })]),
        ["parties"] = new JsonArray([.. result.Parties.Select(p => (JsonNode)new JsonObject { ["party"] = p.Party, ["status"] = p.Status, ["hits"] = p.Hits, ["reason"] = p.Reason })]),
        ["partial"] = result.Partial,
        ["milliseconds"] = result.Milliseconds,
    };

    private static string Metric(VectorMetric metric) => metric switch
    {
        VectorMetric.InnerProduct => "ip",
        VectorMetric.Cosine => "cosine",
        _ => "l2",
    };

    private static IResult WithCollection(VectorStore store, string name, Func<VectorCollection, IResult> action) => Guard(() =>
        store.Get(name) is { } collection ? action(collection) : Error(StatusCodes.Status404NotFound, $"no collection '{name}'"));

    // Bad input (a wrong dimension, NaN, a malformed body) is the caller's: 400 with the store's message.
    private static IResult Guard(Func<IResult> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or JsonException or IOException or InvalidDataException)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new JsonObject { ["error"] = message }, statusCode: status);
}

/// <summary>Asks a federated vector query as this party (<see cref="PartyClient.SearchAsync"/>): the coordinator names it as the querier.</summary>
/// <param name="PartyId">This party's id, to recognise its own hits.</param>
/// <param name="AskAsync">The query and the deadline in seconds to the merged answer.</param>
public sealed record FederatedSearch(string PartyId, Func<VectorQuery, double, CancellationToken, Task<FederatedSearchResult>> AskAsync);
