using Causeway.Vectors.VectorData;
using Microsoft.Extensions.VectorData;

namespace Causeway.Vectors.Tests;

/// <summary>A party's store through Microsoft.Extensions.VectorData, as a .NET application would use it.</summary>
public sealed class VectorDataTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-vectordata-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task Collection_ThroughTheAbstraction_StoresRecordsAsPayloads_AndSearchesWithAPredicateFilter()
    {
        using var store = VectorStore.Open(_root.FullName);
        var shoes = new CausewayVectorStoreCollection<Shoe>(store, "shoes");
        Assert.False(await shoes.CollectionExistsAsync());
        await shoes.EnsureCollectionExistsAsync();

        await shoes.UpsertAsync(Enumerable.Range(0, 30).Select(i => new Shoe { Id = $"s{i}", Colour = i % 2 == 0 ? "red" : "blue", Size = 36 + (i % 10), Embedding = new[] { (float)i, 1f } }));

        // What the store holds: the vector, and the data properties as the payload.
        var stored = store.Get("shoes")!.Get("s3")!;
        Assert.Equal([3f, 1f], stored.Vector);
        Assert.Equal("{\"Colour\":\"blue\",\"Size\":39}", stored.Payload!.ToJsonString());

        var red = new List<VectorSearchResult<Shoe>>();
        await foreach (var hit in shoes.SearchAsync(new ReadOnlyMemory<float>([10.4f, 1f]), 3, new VectorSearchOptions<Shoe> { Filter = s => s.Colour == "red" && s.Size >= 40 }))
        {
            red.Add(hit);
        }

        // Red (even) and size 40 or more (i mod 10 >= 4): s8, s14, s6 are the nearest to 10.4.
        Assert.Equal(["s8", "s14", "s6"], red.Select(r => r.Record.Id));
        Assert.All(red, r => Assert.Equal("red", r.Record.Colour));
        Assert.Equal(5.76, red[0].Score!.Value, 1e-4);
        Assert.True(red[0].Record.Embedding.IsEmpty, "vectors are left out unless asked for");

        var one = await shoes.GetAsync("s7", new RecordRetrievalOptions { IncludeVectors = true });
        Assert.Equal((43, "blue"), (one!.Size, one.Colour));
        Assert.Equal([7f, 1f], one.Embedding.ToArray());
        var big = new List<Shoe>();
        await foreach (var shoe in shoes.GetAsync(s => s.Size == 45, 10))
        {
            big.Add(shoe);
        }

        Assert.Equal(["s19", "s29", "s9"], big.Select(s => s.Id));
        await shoes.DeleteAsync("s7");
        Assert.Null(await shoes.GetAsync("s7"));
        await Assert.ThrowsAsync<NotSupportedException>(() => shoes.EnsureCollectionDeletedAsync());
        Assert.True(await shoes.CollectionExistsAsync());
    }

    public sealed class Shoe
    {
        [VectorStoreKey]
        public string Id { get; set; } = string.Empty;

        [VectorStoreData]
        public string Colour { get; set; } = string.Empty;

        [VectorStoreData]
        public int Size { get; set; }

        [VectorStoreVector(2, DistanceFunction = DistanceFunction.EuclideanSquaredDistance)]
        public ReadOnlyMemory<float> Embedding { get; set; }
    }
}
