using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
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
/// <item><term><c>PUT /collections/{name}/points</c></term><description><c>{"points": [{"id", "vector", "payload"}]}</c>: upserted durably as one batch; <c>{"acknowledged": n}</c>.</description></item>
/// <item><term><c>POST /collections/{name}/points/delete</c></term><description><c>{"ids": [...]}</c>: <c>{"deleted": n}</c>.</description></item>
/// <item><term><c>GET /collections/{name}/points/{id}</c></term><description><c>{"id", "vector", "payload"}</c>; 404 when absent.</description></item>
/// <item><term><c>POST /collections/{name}/index</c></term><description><c>{"kind": "flat"|"hnsw"|"ivfflat"|"ivfpq", "m", "ef_construction", "quantization", "nlist", "pq_m"}</c>: built and saved; the build's seconds.</description></item>
/// <item><term><c>POST /collections/{name}/points/search</c></term><description><c>{"vector", "top_k", "ef", "nprobe", "filter", "radius"}</c>: <c>{"hits": [{"id", "distance", "payload"}]}</c>, nearest first.</description></item>
/// </list>
/// Bad input answers 400 with <c>{"error"}</c> naming the field or record; an unknown collection 404.
/// </remarks>
public sealed class VectorApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private VectorApiServer(WebApplication app, Uri address) => (_app, Address) = (app, address);

    /// <summary>The address the endpoint listens on (http://127.0.0.1:PORT/).</summary>
    public Uri Address { get; }

    /// <exception cref="ArgumentException">The address is not loopback.</exception>
    public static async Task<VectorApiServer> StartAsync(IPEndPoint endpoint, VectorStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(store);
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
            var points = body["points"] as JsonArray ?? throw new ArgumentException("the body must be {\"points\": [{\"id\", \"vector\", \"payload\"}]}");
            var records = points.Select((p, i) => new VectorRecord(
                p?["id"]?.ToString() ?? throw new ArgumentException($"points[{i}] has no id"),
                (p["vector"] as JsonArray ?? throw new ArgumentException($"points[{i}] has no vector")).Select(v => v!.GetValue<float>()).ToArray(),
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
            };
            var build = collection.CreateIndex(spec);
            return Results.Json(new JsonObject { ["kind"] = kind, ["count"] = collection.Count, ["build_seconds"] = build.BuildSeconds });
        }));
        app.MapPost("/collections/{name}/points/search", (string name, JsonObject body) => WithCollection(store, name, collection =>
        {
            var vector = (body["vector"] as JsonArray ?? throw new ArgumentException("vector is required")).Select(v => v!.GetValue<float>()).ToArray();
            var topK = body["top_k"]?.GetValue<int>() ?? 10;
            var filter = PayloadFilter.From(body["filter"] as JsonObject);
            var hits = body["radius"] is { } radius
                ? collection.SearchRange(vector, radius.GetValue<float>(), topK, filter)
                : collection.Search(vector, topK, filter, new SearchOptions(body["ef"]?.GetValue<int>(), body["nprobe"]?.GetValue<int>()));
            return Results.Json(new JsonObject
            {
                ["hits"] = new JsonArray([.. hits.Select(h => (JsonNode)new JsonObject { ["id"] = h.Id, ["distance"] = h.Distance, ["payload"] = h.Payload?.DeepClone() })]),
            });
        }));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return new VectorApiServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

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
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or JsonException or IOException)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new JsonObject { ["error"] = message }, statusCode: status);
}
