namespace Causeway.Vectors.Tests;

/// <summary>A collection's index split into shards: every record in one shard, searches merged over all of them.</summary>
public sealed class ShardedIndexTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-shards-");

    private string Folder => Path.Combine(_root.FullName, "items");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Flat_InFourShards_AnswersExactlyAsOneIndex_WithFiltersAfterUpsertsAndDeletes()
    {
        var records = VectorCollectionTests.Random(600, 12, seed: 3);
        using var one = VectorCollection.Create(Path.Combine(_root.FullName, "one"), new CollectionSpec("items", 12, VectorMetric.L2));
        using var sharded = VectorCollection.Create(Folder, new CollectionSpec("items", 12, VectorMetric.L2));
        sharded.CreateIndex(new IndexSpec("flat", Shards: 4));
        foreach (var collection in new[] { one, sharded })
        {
            collection.Upsert(records);
            collection.Upsert([.. records.Take(50).Select(r => r with { Vector = [.. r.Vector.Select(v => -v)] })]);
            collection.Delete([.. records.Skip(50).Take(50).Select(r => r.Id)]);
        }

        var filter = PayloadFilter.From(new System.Text.Json.Nodes.JsonObject { ["group"] = 1 });
        foreach (var query in VectorCollectionTests.Random(20, 12, seed: 4))
        {
            Assert.Equal(one.Search(query.Vector, 10).Select(h => (h.Id, h.Distance)), sharded.Search(query.Vector, 10).Select(h => (h.Id, h.Distance)));
            Assert.Equal(one.Search(query.Vector, 7, filter).Select(h => h.Id), sharded.Search(query.Vector, 7, filter).Select(h => h.Id));
        }

        Assert.Equal(550, sharded.Count);
    }

    [Fact]
    public void Hnsw_InThreeShards_FindsTheTrueNeighbours_AndReopensFromItsSavedShards()
    {
        var records = VectorCollectionTests.Random(3000, 16, seed: 5);
        var queries = VectorCollectionTests.Random(50, 16, seed: 6);
        List<string[]> before;
        using (var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 16, VectorMetric.L2)))
        {
            collection.Upsert(records);
            var truth = queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToHashSet()).ToList();
            collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(16, 100, 64), Shards: 3));
            before = [.. queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToArray())];
            var recall = before.Zip(truth).Average(p => p.First.Count(p.Second.Contains) / 10.0);
            Assert.True(recall >= 0.95, $"recall@10 {recall:F3}");
        }

        var files = Directory.GetFiles(Folder, "index-*.bin*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(4, files.Count);
        Assert.All(files.Skip(1), f => Assert.Matches(@"^index-\d+\.bin\.shard-[0-2]$", f));

        using var reopened = VectorCollection.Open(Folder);
        Assert.True(reopened.IndexLoadedFromDisk);
        Assert.Equal(3, reopened.Index.Shards);
        Assert.Equal(before, queries.Select(q => reopened.Search(q.Vector, 10).Select(h => h.Id).ToArray()));
    }

    [Fact]
    public void IvfPq_InTwoShards_SharesOneCodebook_AndReranksToTheTrueNeighbours()
    {
        var records = VectorCollectionTests.Random(4000, 16, seed: 7);
        var queries = VectorCollectionTests.Random(40, 16, seed: 8);
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 16, VectorMetric.L2));
        collection.Upsert(records);
        var truth = queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToHashSet()).ToList();

        collection.CreateIndex(new IndexSpec("ivfpq", Ivf: new IvfOptions(Nlist: 32, Nprobe: 32, M: 8, Rerank: 8), Shards: 2));

        var recall = queries.Select((q, i) => collection.Search(q.Vector, 10).Count(h => truth[i].Contains(h.Id)) / 10.0).Average();
        Assert.True(recall >= 0.9, $"recall@10 {recall:F3}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void CreateIndex_WithShardsOutOfRange_IsRefusedNamingThem(int shards)
    {
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 4, VectorMetric.L2));
        var refused = Assert.Throws<ArgumentException>(() => collection.CreateIndex(new IndexSpec("hnsw", Shards: shards)));
        Assert.StartsWith($"shards must be 1 to 64, got {shards}", refused.Message, StringComparison.Ordinal);
    }
}
