using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Party;
using Causeway.Vectors;

namespace Causeway.EndToEnd.Tests;

/// <summary>A party's vector store over its loopback HTTP JSON API (Qdrant-style), as its applications use it.</summary>
public sealed class VectorApiTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-vector-api-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Api_CreateInsertIndexSearchDelete_AnswersWhatTheStoreHolds_AndNamesBadInput()
    {
        using var store = VectorStore.Open(_root.FullName);
        using var party = new VectorParty(store);
        await using var server = await VectorApiServer.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), store, party, federated: null, CancellationToken.None).DefaultTimeout();
        using var http = new HttpClient { BaseAddress = server.Address };

        Assert.Equal(HttpStatusCode.Created, (await http.PutAsJsonAsync("collections/shoes", new { dimension = 2, metric = "l2" }).DefaultTimeout()).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PutAsJsonAsync("collections/shoes", new { dimension = 2 }).DefaultTimeout()).StatusCode);
        var points = Enumerable.Range(0, 40).Select(i => new { id = $"p{i}", vector = new[] { (float)i, 0f }, payload = new { colour = i % 2 == 0 ? "red" : "blue" } });
        var inserted = await Json(await http.PutAsJsonAsync("collections/shoes/points", new { points }).DefaultTimeout());
        Assert.Equal(40, inserted.GetProperty("acknowledged").GetInt32());

        // Exact search with a filter, then the same through an HNSW index.
        var flat = await Json(await http.PostAsJsonAsync("collections/shoes/points/search", new { vector = new[] { 10.2f, 0f }, top_k = 3, filter = new { colour = "blue" } }).DefaultTimeout());
        Assert.Equal(["p11", "p9", "p13"], flat.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        Assert.All(flat.GetProperty("hits").EnumerateArray(), h => Assert.Equal("blue", h.GetProperty("payload").GetProperty("colour").GetString()));
        var built = await Json(await http.PostAsJsonAsync("collections/shoes/index", new { kind = "hnsw", m = 8, ef_construction = 32 }).DefaultTimeout());
        Assert.Equal("hnsw", built.GetProperty("kind").GetString());
        var hnsw = await Json(await http.PostAsJsonAsync("collections/shoes/points/search", new { vector = new[] { 10.2f, 0f }, top_k = 3, ef = 32, filter = new { colour = "blue" } }).DefaultTimeout());
        Assert.Equal(["p11", "p9", "p13"], hnsw.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));

        // Range search, get, delete, and what the store says about itself.
        var range = await Json(await http.PostAsJsonAsync("collections/shoes/points/search", new { vector = new[] { 20f, 0f }, radius = 1.0f, top_k = 10 }).DefaultTimeout());
        Assert.Equal(["p20", "p19", "p21"], range.GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("id").GetString()));
        var point = await Json(await http.GetAsync(new Uri("collections/shoes/points/p7", UriKind.Relative)).DefaultTimeout());
        Assert.Equal([7f, 0f], point.GetProperty("vector").EnumerateArray().Select(v => v.GetSingle()));
        var deleted = await Json(await http.PostAsJsonAsync("collections/shoes/points/delete", new { ids = new[] { "p7", "nobody" } }).DefaultTimeout());
        Assert.Equal(1, deleted.GetProperty("deleted").GetInt32());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("collections/shoes/points/p7", UriKind.Relative)).DefaultTimeout()).StatusCode);
        var listed = await Json(await http.GetAsync(new Uri("collections", UriKind.Relative)).DefaultTimeout());
        var shoes = listed.GetProperty("collections").EnumerateArray().Single();
        Assert.Equal(("shoes", 2, "l2", 39, "hnsw"), (shoes.GetProperty("name").GetString(), shoes.GetProperty("dimension").GetInt32(), shoes.GetProperty("metric").GetString(), shoes.GetProperty("count").GetInt32(), shoes.GetProperty("index").GetString()));

        // Bad input is named, and an unknown collection is 404; nothing is written.
        var bad = await http.PutAsJsonAsync("collections/shoes/points", new { points = new[] { new { id = "ok", vector = new[] { 1f, 1f } }, new { id = "short", vector = new[] { 1f } } } }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("record 'short': the vector has 1 values; collection 'shoes' has dimension 2", await bad.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
        Assert.Equal(39, store.Get("shoes")!.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await http.PostAsJsonAsync("collections/boots/points/search", new { vector = new[] { 1f, 1f } }).DefaultTimeout()).StatusCode);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().DefaultTimeout();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
