using System.Text.Json.Nodes;
using Causeway.Vectors.Indexes;

namespace Causeway.Vectors.Tests;

public sealed class HnswIndexTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-hnsw-");

    private string Folder => Path.Combine(_root.FullName, "items");

    public void Dispose() => _root.Delete(recursive: true);

    [Theory]
    [InlineData(VectorMetric.L2, HnswQuantization.F32, 0.95)]
    [InlineData(VectorMetric.Cosine, HnswQuantization.F16, 0.95)]
    [InlineData(VectorMetric.Cosine, HnswQuantization.I8, 0.90)]
    [InlineData(VectorMetric.InnerProduct, HnswQuantization.F32, 0.95)]
    public void Search_Hnsw_FindsWhatTheFlatIndexFinds_WithExactDistances(VectorMetric metric, HnswQuantization quantization, double minimumRecall)
    {
        var records = Clustered(3000, 32, seed: 5);
        var queries = Clustered(50, 32, seed: 6);
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 32, metric));
        collection.Upsert(records);
        var truth = queries.Select(q => collection.Search(q.Vector, 10)).ToList();

        collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(Quantization: quantization)));
        var found = queries.Select(q => collection.Search(q.Vector, 10)).ToList();

        var recall = truth.Zip(found, (t, f) => t.Select(h => h.Id).Intersect(f.Select(h => h.Id)).Count()).Sum() / (10.0 * queries.Length);
        Assert.True(recall >= minimumRecall, $"recall@10 {recall}");
        Assert.Equal("hnsw", collection.Index.Kind);

        // Reported distances are the metric's float32 ones (to rounding), nearest first, whatever the index stores.
        foreach (var (query, hits) in queries.Zip(found))
        {
            Assert.All(hits, h => Assert.Equal(VectorDistance.Of(metric, query.Vector, collection.Get(h.Id)!.Vector), h.Distance, 1e-4f * Math.Max(1f, Math.Abs(h.Distance))));
            Assert.Equal(hits.Select(h => h.Distance).Order(), hits.Select(h => h.Distance));
        }
    }

    [Fact]
    public void Search_Hnsw_WithAFilterOrAfterDeletes_ReturnsOnlyLiveMatchingRecords_AndEfRaisesRecall()
    {
        var records = Clustered(3000, 16, seed: 7);
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 16, VectorMetric.L2));
        collection.Upsert(records);
        collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(M: 8, EfConstruction: 32)));
        collection.Delete([.. records.Where((_, i) => i % 2 == 0).Select(r => r.Id)]);
        var query = records[1].Vector;

        var group = collection.Search(query, 10, PayloadFilter.From(new JsonObject { ["group"] = 2 }));
        var live = collection.Search(query, 50);

        Assert.Equal(10, group.Count);
        Assert.All(group, h => Assert.Equal(2, h.Payload!["group"]!.GetValue<int>()));
        Assert.All(live, h => Assert.NotNull(collection.Get(h.Id)));
        Assert.Equal(records[1].Id, live[0].Id);

        var queries = Clustered(40, 16, seed: 8);
        double Recall(int ef)
        {
            collection.CreateIndex(IndexSpec.Flat);
            var truth = queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToHashSet()).ToList();
            collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(M: 4, EfConstruction: 8)));
            return queries.Select((q, i) => collection.Search(q.Vector, 10, options: new SearchOptions(Ef: ef)).Count(h => truth[i].Contains(h.Id))).Sum() / 400.0;
        }

        Assert.True(Recall(200) > Recall(10), "a larger ef finds more of the true neighbours");
    }

    [Fact]
    public void Reopen_AfterACheckpoint_LoadsTheSavedGraph_AndReplaysTheLogIntoIt()
    {
        var records = Clustered(2000, 24, seed: 9);
        var queries = Clustered(20, 24, seed: 10);
        List<string[]> before;
        using (var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 24, VectorMetric.Cosine)))
        {
            collection.Upsert(records[..1500]);
            collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(Quantization: HnswQuantization.F16)));
            collection.Upsert(records[1500..]);
            collection.Delete([records[0].Id]);
            before = [.. queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToArray())];
        }

        using var reopened = VectorCollection.Open(Folder);

        Assert.True(reopened.IndexLoadedFromDisk);
        Assert.Equal(new IndexSpec("hnsw", new HnswOptions(Quantization: HnswQuantization.F16)), reopened.Index);
        Assert.Equal(1999, reopened.Count);
        var after = queries.Select(q => reopened.Search(q.Vector, 10).Select(h => h.Id).ToArray()).ToList();
        var agreement = before.Zip(after, (b, a) => b.Intersect(a).Count()).Sum() / 200.0;
        Assert.True(agreement >= 0.95, $"{agreement} of the hits agree before and after the restart");
        Assert.Single(Directory.GetFiles(Folder, "index-*.bin"));
    }

    [Fact]
    public void CreateIndex_Int8WithoutCosine_IsRefusedSayingWhy()
    {
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 4, VectorMetric.L2));

        var error = Assert.Throws<ArgumentException>(() => collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(Quantization: HnswQuantization.I8))));

        Assert.StartsWith("hnsw: i8 quantization normalises vectors, so it needs the cosine metric", error.Message, StringComparison.Ordinal);
        Assert.Equal("flat", collection.Index.Kind);
    }

    // Points around 20 seeded centres, as embeddings cluster, with a payload naming their group (i mod 3).
    internal static VectorRecord[] Clustered(int count, int dimension, int seed)
    {
        var centres = VectorCollectionTests.Random(20, dimension, seed: 1000 + dimension);
        var noise = VectorCollectionTests.Random(count, dimension, seed);
        return [.. noise.Select((r, i) => r with
        {
            Vector = [.. r.Vector.Zip(centres[i % centres.Length].Vector, (n, c) => (3 * c) + (0.5f * n))],
        })];
    }
}
