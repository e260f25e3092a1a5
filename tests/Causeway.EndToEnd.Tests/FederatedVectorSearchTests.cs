using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Party;
using Causeway.Vectors;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// Federated vector search over HTTP/2 on loopback: three parties, each with its own store and disclosure policy, a
/// real coordinator fanning the query out; the assertions are on what the querier received and what each party logged.
/// </summary>
public sealed class FederatedVectorSearchTests : IDisposable
{
    private const int Dimension = 16;
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-federated-vectors-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Search_DefaultPolicies_MergesTheSameTopKAsOneIndexOverTheUnion_AndReleasesNoPayload()
    {
        var records = Records(1500);
        await using var server = await CoordinatorServer.StartAsync();
        await using var parties = await Parties.StartAsync(server, _root.FullName, records, _ => new DisclosurePolicy());
        using var admin = server.CreateAdminClient();
        var query = records[7].Record.Vector.Select(v => v + 0.01f).ToArray();

        var result = await SearchAsync(admin, new { collection = "items", vector = query, k = 10 });

        // The union in one flat index, searched exactly.
        using var union = VectorCollection.Create(Path.Combine(_root.FullName, "union"), new CollectionSpec("items", Dimension, VectorMetric.L2));
        union.Upsert([.. records.Select(r => r.Record with { Id = $"{r.Party}/{r.Record.Id}" })]);
        var expected = union.Search(query, 10);
        Assert.Equal(expected.Select(h => h.Id), result.GetProperty("hits").EnumerateArray().Select(h => $"{h.GetProperty("party").GetString()}/{h.GetProperty("id").GetString()}"));
        Assert.Equal(expected.Select(h => h.Distance), result.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("distance").GetSingle()));
        Assert.All(result.GetProperty("hits").EnumerateArray(), h => Assert.Equal(JsonValueKind.Null, h.GetProperty("payload").ValueKind));
        Assert.All(result.GetProperty("parties").EnumerateArray(), p => Assert.Equal("answered", p.GetProperty("status").GetString()));
        Assert.False(result.GetProperty("partial").GetBoolean());
    }

    [Fact]
    public async Task Collections_EachPartyDescribesItsCollections_AndAPartyWithoutAStoreSaysSo()
    {
        var records = Records(900);
        await using var server = await CoordinatorServer.StartAsync();
        await using var parties = await Parties.StartAsync(server, _root.FullName, records, _ => new DisclosurePolicy());
        await using var plain = await InProcessParties.StartAsync(server, [("zz-no-store", new NoDataHandler(new PartyId("zz-no-store")))]);
        using var admin = server.CreateAdminClient();

        var answer = JsonNode.Parse(await admin.GetStringAsync(new Uri("api/vectors/collections", UriKind.Relative)).DefaultTimeout())!;

        var listed = answer["parties"]!.AsArray();
        var holders = records.GroupBy(r => r.Party).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        Assert.Equal([.. holders.Select(g => g.Key), "zz-no-store"], listed.Select(p => p!["party"]!.GetValue<string>()));
        foreach (var (party, group) in listed.Zip(holders))
        {
            Assert.Equal("answered", party!["status"]!.GetValue<string>());
            var collection = Assert.Single(party["collections"]!.AsArray())!;
            Assert.Equal(
                ("items", Dimension, "l2", "flat", (long)group.Count()),
                (collection["name"]!.GetValue<string>(), collection["dimension"]!.GetValue<int>(), collection["metric"]!.GetValue<string>(),
                    collection["index"]!.GetValue<string>(), collection["records"]!.GetValue<long>()));
        }

        Assert.Equal("no store", listed[^1]!["status"]!.GetValue<string>());
        Assert.Empty(listed[^1]!["collections"]!.AsArray());
    }

    [Fact]
    public async Task Search_EachPartysPolicy_ShapesWhatTheQuerierReceives_AndEveryQueryIsAudited()
    {
        var records = Records(900);
        var policies = new Dictionary<string, DisclosurePolicy>
        {
            ["shop-a"] = new(PayloadFields: ["group"], QueriesPerMinute: 2),
            ["shop-b"] = new(MinAnswer: 400),
            ["shop-c"] = new(Distances: false),
        };
        await using var server = await CoordinatorServer.StartAsync();
        await using var parties = await Parties.StartAsync(server, _root.FullName, records, party => policies[party]);
        using var admin = server.CreateAdminClient();
        var query = records[0].Record.Vector;

        var first = await SearchAsync(admin, new { collection = "items", vector = query, k = 250, filter = new { group = 1 } });
        await SearchAsync(admin, new { collection = "items", vector = query, k = 5 });
        var third = await SearchAsync(admin, new { collection = "items", vector = query, k = 5 });
        var missing = await SearchAsync(admin, new { collection = "nothing", vector = query, k = 5 });

        var hits = first.GetProperty("hits").EnumerateArray().ToList();
        var byParty = hits.GroupBy(h => h.GetProperty("party").GetString()!).ToDictionary(g => g.Key, g => g.ToList());

        // shop-a: distances and only the "group" field (never "secret"), every hit in group 1.
        Assert.All(byParty["shop-a"], h => Assert.Equal("{\"group\":1}", h.GetProperty("payload").GetRawText()));
        Assert.All(byParty["shop-a"], h => Assert.Equal(JsonValueKind.Number, h.GetProperty("distance").ValueKind));

        // shop-b: 300 of its records are in group 1, fewer than its minimum answer of 400: nothing, and the reason.
        Assert.False(byParty.ContainsKey("shop-b"));
        var b = Status(first, "shop-b");
        Assert.Equal("refused", b.GetProperty("status").GetString());
        Assert.StartsWith("fewer than 400 records match", b.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // shop-c: ids only, after every hit with a distance.
        Assert.All(byParty["shop-c"], h => Assert.Equal(JsonValueKind.Null, h.GetProperty("distance").ValueKind));
        Assert.All(byParty["shop-c"], h => Assert.Equal(JsonValueKind.Null, h.GetProperty("payload").ValueKind));
        Assert.True(hits.FindIndex(h => h.GetProperty("party").GetString() == "shop-c") > hits.FindLastIndex(h => h.GetProperty("party").GetString() != "shop-c"));

        // shop-a answers two queries a minute from one querier; the third is refused and says so.
        Assert.StartsWith("rate limit", Status(third, "shop-a").GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("answered", Status(third, "shop-c").GetProperty("status").GetString());
        Assert.All(missing.GetProperty("parties").EnumerateArray(), p => Assert.Equal("this party holds no collection 'nothing'", p.GetProperty("reason").GetString()));

        // Every party logged every query: who, what, how many hits left, never the vector.
        foreach (var party in policies.Keys)
        {
            var audit = File.ReadAllLines(Path.Combine(_root.FullName, party, "audit.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            Assert.Equal(4, audit.Count);
            Assert.All(audit, line => Assert.Equal("operator", line["querier"]!.GetValue<string>()));
            Assert.Equal("{\"group\":1}", audit[0]["filter"]!.GetValue<string>());
            Assert.DoesNotContain(query[0].ToString("R", CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(_root.FullName, party, "audit.jsonl")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Codebook_TrainedByFederatedKMeans_IsInstalledAtEveryParty_AndQueriesStillFindTheTrueNeighbours()
    {
        var records = Records(1800);
        await using var server = await CoordinatorServer.StartAsync();
        await using var parties = await Parties.StartAsync(server, _root.FullName, records, _ => new DisclosurePolicy(QueriesPerMinute: 600));
        using var admin = server.CreateAdminClient();

        var result = await PostAsync(admin, "api/vectors/codebook", new { collection = "items", dimension = Dimension, kind = "ivfpq", lists = 8, m = 4, iterations = 5, minCount = 5 });

        // Every shop took part and indexed its 600 records with the codebook all of them received.
        Assert.Equal(
            [("shop-a", "installed", 600L), ("shop-b", "installed", 600L), ("shop-c", "installed", 600L)],
            result.GetProperty("parties").EnumerateArray().Select(p => (p.GetProperty("party").GetString(), p.GetProperty("status").GetString(), p.GetProperty("records").GetInt64())));
        var books = new[] { "shop-a", "shop-b", "shop-c" }.Select(shop => File.ReadAllBytes(Path.Combine(_root.FullName, shop, "items", "codebook.bin"))).ToList();
        Assert.All(books, book => Assert.Equal(books[0], book));

        // A federated query over the three IVF-PQ indexes (every list scanned, PQ codes re-ranked) finds the true
        // neighbours of one exact union index.
        using var union = VectorCollection.Create(Path.Combine(_root.FullName, "union"), new CollectionSpec("items", Dimension, VectorMetric.L2));
        union.Upsert([.. records.Select(r => r.Record with { Id = $"{r.Party}/{r.Record.Id}" })]);
        var found = 0;
        foreach (var query in records.Take(20).Select(r => r.Record.Vector))
        {
            var truth = union.Search(query, 10).Select(h => h.Id).ToHashSet();
            var answer = await PostAsync(admin, "api/vectors/search", new { collection = "items", vector = query, k = 10, nprobe = 8 });
            found += answer.GetProperty("hits").EnumerateArray().Count(h => truth.Contains($"{h.GetProperty("party").GetString()}/{h.GetProperty("id").GetString()}"));
        }

        Assert.True(found >= 180, $"{found} of 200 true neighbours found");

        // A collection nobody holds trains nothing and says so.
        var refused = await admin.PostAsJsonAsync(new Uri("api/vectors/codebook", UriKind.Relative), new { collection = "nothing", dimension = Dimension }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("no connected party holds vectors in collection", await refused.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Codebook_UnderSecureAggregation_IsTheCodebookOfTheClear_AndAValueBeyondTheBoundIsRefusedNamingIt()
    {
        var records = Records(1200);
        await using var server = await CoordinatorServer.StartAsync();
        await using var parties = await Parties.StartAsync(server, _root.FullName, records, _ => new DisclosurePolicy());
        using var admin = server.CreateAdminClient();
        var request = new { collection = "items", dimension = Dimension, kind = "ivfpq", lists = 6, m = 4, iterations = 4, minCount = 5, seed = 9 };

        var clear = await PostAsync(admin, "api/vectors/codebook", request);
        var clearBook = Floats(Path.Combine(_root.FullName, "shop-a", "items", "codebook.bin"));
        var secure = await PostAsync(admin, "api/vectors/codebook", new { request.collection, request.dimension, request.kind, request.lists, request.m, request.iterations, request.minCount, request.seed, secure = true, valueBound = 1.0 });

        // The same seeded start and the same totals (to the fixed point's resolution) give the same codebook at every shop.
        Assert.False(clear.GetProperty("secure").GetBoolean());
        Assert.True(secure.GetProperty("secure").GetBoolean());
        Assert.All(secure.GetProperty("parties").EnumerateArray(), p => Assert.Equal("installed", p.GetProperty("status").GetString()));
        foreach (var shop in new[] { "shop-a", "shop-b", "shop-c" })
        {
            var book = Floats(Path.Combine(_root.FullName, shop, "items", "codebook.bin"));
            Assert.Equal(clearBook.Length, book.Length);
            Assert.All(clearBook.Zip(book), p => Assert.Equal(p.First, p.Second, 1e-3f));
        }

        // The records' values lie in [0, 1): a bound of 0.3 is broken, and the parties say so instead of encoding.
        var broken = await admin.PostAsJsonAsync(new Uri("api/vectors/codebook", UriKind.Relative), new { collection = "items", dimension = Dimension, kind = "ivfflat", lists = 4, secure = true, valueBound = 0.3 }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadGateway, broken.StatusCode);
        Assert.Contains("exceeds the public bound 0.3", await broken.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
        var unbounded = await admin.PostAsJsonAsync(new Uri("api/vectors/codebook", UriKind.Relative), new { collection = "items", dimension = Dimension, secure = true }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, unbounded.StatusCode);
    }

    // The float values a codebook file ends with (centroids, then sub-codebooks), after its small header.
    private static float[] Floats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var count = (6 * Dimension) + (4 * 256 * (Dimension / 4));
        return [.. System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes.AsSpan(bytes.Length - (count * sizeof(float))))];
    }

    private static JsonElement Status(JsonElement result, string party) =>
        result.GetProperty("parties").EnumerateArray().Single(p => p.GetProperty("party").GetString() == party);

    private static Task<JsonElement> SearchAsync(HttpClient admin, object body) => PostAsync(admin, "api/vectors/search", body);

    private static async Task<JsonElement> PostAsync(HttpClient admin, string path, object body)
    {
        var response = await admin.PostAsJsonAsync(new Uri(path, UriKind.Relative), body).DefaultTimeout();
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    // Seeded vectors dealt to three shops in turn; payload {"group": i mod 3, "secret": "..."}.
    private static List<(string Party, VectorRecord Record)> Records(int count)
    {
        var random = new Random(21);
        return [.. Enumerable.Range(0, count).Select(i => ($"shop-{(char)('a' + (i % 3))}", new VectorRecord(
            i.ToString(CultureInfo.InvariantCulture),
            [.. Enumerable.Range(0, Dimension).Select(_ => (float)random.NextDouble())],
            new JsonObject { ["group"] = (i / 3) % 3, ["secret"] = $"s{i}" })))];
    }

    // One PartyHost per shop with its own store (and policy) and no training data.
    private sealed class Parties : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<IDisposable> _owned = [];
        private readonly List<Task> _running = [];

        public static async Task<Parties> StartAsync(CoordinatorServer server, string root, IReadOnlyList<(string Party, VectorRecord Record)> records, Func<string, DisclosurePolicy> policy)
        {
            var parties = new Parties();
            foreach (var group in records.GroupBy(r => r.Party))
            {
                var store = VectorStore.Open(Path.Combine(root, group.Key));
                var collection = store.Create(new CollectionSpec("items", Dimension, VectorMetric.L2));
                collection.Upsert([.. group.Select(r => r.Record)]);
                policy(group.Key).WriteTo(store.FolderOf("items"));
                var vectors = new VectorParty(store);
                var client = server.CreateClient(group.Key);
                var host = new PartyHost(client, new NoDataHandler(new PartyId(group.Key)), server.PartyOptions(group.Key), vectors: vectors);
                parties._owned.AddRange([host, client, vectors, store]);
                parties._running.Add(host.RunAsync(parties._stop.Token));
                await server.WaitUntilPollingAsync(group.Key).DefaultTimeout();
            }

            return parties;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_running).DefaultTimeout();
            _owned.ForEach(o => o.Dispose());
            _stop.Dispose();
        }
    }
}
