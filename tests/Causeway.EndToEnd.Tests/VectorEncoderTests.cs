using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;
using Causeway.Vectors;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A federated model deployed into the parties' vector stores as the collection's encoder, over HTTP/2 on loopback: the
/// parties train a network together, the coordinator sends its model to every store, each party embeds its raw rows
/// locally, and a party's application asks federated queries by raw input and by one of its own ids, as that party.
/// </summary>
public sealed class VectorEncoderTests : IDisposable
{
    private const int Width = 8;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-vector-encoder-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Encoder_FromARun_IsInstalledAtEveryStore_RowsAndQueriesAreEmbeddedAtTheParty_AndTheQuerierIsTheParty()
    {
        await using var server = await CoordinatorServer.StartAsync();
        await using var shops = await Shops.StartAsync(server, _root.FullName, ["shop-a", "shop-b"]);
        using var admin = server.CreateAdminClient();
        var run = await TrainAsync(admin, server);

        var deployed = await PostAsync(admin, "api/vectors/encoder", new { collection = "rows", run });
        Assert.Equal(Width, deployed.GetProperty("width").GetInt32());
        Assert.All(deployed.GetProperty("parties").EnumerateArray(), p => Assert.Equal(("installed", Width), (p.GetProperty("status").GetString(), p.GetProperty("width").GetInt32())));
        var elsewhere = await PostAsync(admin, "api/vectors/encoder", new { collection = "nowhere", run });
        Assert.All(elsewhere.GetProperty("parties").EnumerateArray(), p => Assert.StartsWith("this party holds no collection 'nowhere'", p.GetProperty("reason").GetString(), StringComparison.Ordinal));
        var unknown = await admin.PostAsJsonAsync(new Uri("api/vectors/encoder", UriKind.Relative), new { collection = "rows", run = "no-such-run" }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // Each shop inserts raw rows through its own API; the store holds the run's model's last hidden layer of each.
        var model = await ModelAsync(admin, run);
        var rows = new Dictionary<string, List<(string Id, double[] X)>>();
        foreach (var (shop, seed) in new[] { ("shop-a", 11), ("shop-b", 12) })
        {
            var random = new Random(seed);
            rows[shop] = [.. Enumerable.Range(0, 40).Select(i => ($"{shop[^1]}-{i}", Enumerable.Range(0, 3).Select(_ => (random.NextDouble() * 4) - 2).ToArray()))];
            var points = rows[shop].Select(r => new { id = r.Id, input = Input(r.X) }).ToArray();
            var stored = await PostAsync(shops.Api(shop), "collections/rows/points", new { points }, HttpMethod.Put);
            Assert.Equal(40, stored.GetProperty("acknowledged").GetInt32());
        }

        var expected = Embed(model, rows["shop-a"][0].X);
        Assert.Equal(expected, shops.Store("shop-a").Get("rows")!.Get("a-0")!.Vector, (x, y) => Math.Abs(x - y) <= 1e-5f);

        // A query by raw input from shop-a: embedded at shop-a, answered by both, merged as one exact index over the union.
        var probe = new[] { 0.5, -0.25, 1.0 };
        var byInput = await PostAsync(shops.Api("shop-a"), "federated/search", new { collection = "rows", input = Input(probe), top_k = 5 });
        using var union = VectorCollection.Create(Path.Combine(_root.FullName, "union"), new CollectionSpec("rows", Width, VectorMetric.L2));
        union.Upsert([.. rows.SelectMany(s => s.Value.Select(r => new VectorRecord($"{s.Key}/{r.Id}", Embed(model, r.X))))]);
        var truth = union.Search(Embed(model, probe), 5);
        Assert.Equal(truth.Select(h => h.Id), byInput.GetProperty("hits").EnumerateArray().Select(h => $"{h.GetProperty("party").GetString()}/{h.GetProperty("id").GetString()}"));
        Assert.Equal(truth.Select(h => h.Distance), byInput.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("distance").GetSingle()), (x, y) => Math.Abs(x - y) <= 1e-4f);

        // shop-b audited the query under shop-a's name (party:shop-a, the coordinator's authenticated party), not the operator's.
        var audit = File.ReadAllLines(Path.Combine(shops.Store("shop-b").Folder, "audit.jsonl")).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal("party:shop-a", Assert.Single(audit)["querier"]!.GetValue<string>());

        // A query by one of shop-a's own ids leaves that record out and finds the nearest others, shop-b's included.
        var byId = await PostAsync(shops.Api("shop-a"), "federated/search", new { collection = "rows", id = "a-0", top_k = 5 });
        var nearest = union.Search(Embed(model, rows["shop-a"][0].X), 6).Where(h => h.Id != "shop-a/a-0").Take(5);
        Assert.Equal(nearest.Select(h => h.Id), byId.GetProperty("hits").EnumerateArray().Select(h => $"{h.GetProperty("party").GetString()}/{h.GetProperty("id").GetString()}"));

        // Raw input with a column the model does not know is refused at shop-a, naming the column; nothing was sent.
        var bad = await shops.Api("shop-a").PostAsJsonAsync(new Uri("federated/search", UriKind.Relative), new { collection = "rows", input = new { x9 = 1 } }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("x9", await bad.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(shops.Store("shop-b").Folder, "audit.jsonl")).Length);
    }

    private static JsonObject Input(double[] x) => new() { ["x1"] = x[0], ["x2"] = x[1], ["x3"] = x[2] };

    private static float[] Embed(TrainedModel model, double[] x)
    {
        var table = Core.Data.TableReader.ReadRecords([Input(x).ToDictionary(p => p.Key, p => (string?)p.Value!.ToJsonString())], model.Schema, "expected");
        var encoded = model.Encode(table);
        var embedding = new float[Width];
        new DenseNetwork(model.Spec).Embed(model.Parameters, encoded.Features, 1, embedding);
        return embedding;
    }

    private static async Task<string> TrainAsync(HttpClient admin, CoordinatorServer server)
    {
        var config = $$"""
            { "name": "encoder", "seed": 5, "rounds": 2, "model": { "type": "mlp", "hidden": [16, {{Width}}] },
              "training": { "epochs": 2, "batchSize": 16, "learningRate": 0.1 }, "round": { "deadlineSeconds": 60, "minResults": 2 } }
            """;
        var started = await admin.PostAsync(new Uri("api/runs", UriKind.Relative), new StringContent(config, Encoding.UTF8, "application/json")).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>().DefaultTimeout()).GetProperty("id").GetString()!;
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return id;
    }

    private static async Task<TrainedModel> ModelAsync(HttpClient admin, string run)
    {
        var bytes = await admin.GetByteArrayAsync(new Uri($"api/runs/{run}/model", UriKind.Relative)).DefaultTimeout();
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(path, bytes);
            return TrainedModel.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body, HttpMethod? method = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        var response = await client.SendAsync(request).DefaultTimeout();
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    // Shops holding training rows (SeparableTables), a store with an empty "rows" collection, and the store's HTTP API.
    private sealed class Shops : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<IDisposable> _owned = [];
        private readonly List<Task> _running = [];
        private readonly Dictionary<string, (VectorStore Store, VectorApiServer Api, HttpClient Client)> _shops = [];

        public VectorStore Store(string shop) => _shops[shop].Store;

        public HttpClient Api(string shop) => _shops[shop].Client;

        public static async Task<Shops> StartAsync(CoordinatorServer server, string root, IReadOnlyList<string> names)
        {
            var shops = new Shops();
            for (var i = 0; i < names.Count; i++)
            {
                var name = names[i];
                var store = VectorStore.Open(Path.Combine(root, name));
                store.Create(new CollectionSpec("rows", Width, VectorMetric.L2));
                var vectors = new VectorParty(store);
                var client = server.CreateClient(name);
                var api = await VectorApiServer.StartAsync(
                    new IPEndPoint(IPAddress.Loopback, 0), store, vectors, new FederatedSearch(name, client.SearchAsync), CancellationToken.None);
                var http = new HttpClient { BaseAddress = api.Address };
                var host = new PartyHost(client, SeparableTables.Party(name, i + 1), server.PartyOptions(name), vectors: vectors);
                shops._owned.AddRange([http, host, client, vectors, store]);
                shops._shops[name] = (store, api, http);
                shops._running.Add(host.RunAsync(shops._stop.Token));
                await server.WaitUntilPollingAsync(name).DefaultTimeout();
            }

            return shops;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_running).DefaultTimeout();
            foreach (var shop in _shops.Values)
            {
                await shop.Api.DisposeAsync();
            }

            _owned.ForEach(o => o.Dispose());
            _stop.Dispose();
        }
    }
}
