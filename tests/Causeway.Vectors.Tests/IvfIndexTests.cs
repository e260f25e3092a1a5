namespace Causeway.Vectors.Tests;

public sealed class IvfIndexTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-ivf-");

    private string Folder => Path.Combine(_root.FullName, "items");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void IvfFlat_ScanningEveryList_IsExact_AndFewerListsTradeRecall()
    {
        var records = HnswIndexTests.Clustered(4000, 32, seed: 11);
        var queries = HnswIndexTests.Clustered(40, 32, seed: 12);
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 32, VectorMetric.L2));
        collection.Upsert(records);
        var truth = queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToArray()).ToList();

        collection.CreateIndex(new IndexSpec("ivfflat", Ivf: new IvfOptions(Nlist: 64)));

        Assert.Equal(truth, queries.Select(q => collection.Search(q.Vector, 10, options: new SearchOptions(Nprobe: 64)).Select(h => h.Id).ToArray()));
        Assert.True(Recall(collection, queries, truth, 1) < Recall(collection, queries, truth, 8), "more lists scanned find more neighbours");
    }

    [Fact]
    public void IvfPq_WithReRanking_FindsMostTrueNeighbours_AndBeatsThePlainCodes()
    {
        var records = HnswIndexTests.Clustered(6000, 64, seed: 13);
        var queries = HnswIndexTests.Clustered(50, 64, seed: 14);
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 64, VectorMetric.Cosine));
        collection.Upsert(records);
        var truth = queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToArray()).ToList();

        collection.CreateIndex(new IndexSpec("ivfpq", Ivf: new IvfOptions(Nlist: 32, M: 16, Rerank: 1)));
        var plain = Recall(collection, queries, truth, 8);
        var build = collection.CreateIndex(new IndexSpec("ivfpq", Ivf: new IvfOptions(Nlist: 32, M: 16, Rerank: 8)));
        var reranked = Recall(collection, queries, truth, 8);

        Assert.True(reranked >= 0.9, $"recall@10 with re-ranking {reranked}");
        Assert.True(reranked > plain, $"re-ranking {reranked} against the codes alone {plain}");
        Assert.InRange(build.IndexBytes!.Value / 6000.0, 16, 16 + 8 + 40);
    }

    [Fact]
    public void IvfPq_AfterDeletesUpsertsAndARestart_ServesTheLiveRecordsFromTheSavedIndex()
    {
        var records = HnswIndexTests.Clustered(3000, 32, seed: 15);
        var queries = HnswIndexTests.Clustered(20, 32, seed: 16);
        List<string[]> before;
        using (var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 32, VectorMetric.L2)))
        {
            collection.Upsert(records[..2500]);
            collection.CreateIndex(new IndexSpec("ivfpq", Ivf: new IvfOptions(Nlist: 16, M: 8)));
            collection.Upsert(records[2500..]);
            collection.Delete([.. records.Take(100).Select(r => r.Id)]);
            before = [.. queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToArray())];
        }

        using var reopened = VectorCollection.Open(Folder);

        Assert.True(reopened.IndexLoadedFromDisk);
        Assert.Equal("ivfpq", reopened.Index.Kind);
        var after = queries.Select(q => reopened.Search(q.Vector, 10).Select(h => h.Id).ToArray()).ToList();
        Assert.Equal(before, after);
        Assert.DoesNotContain(after.SelectMany(a => a), id => records.Take(100).Any(r => r.Id == id));
    }

    [Theory]
    [InlineData(VectorMetric.InnerProduct, 500, "ivf: collection 'items' uses inner product; IVF indexes serve l2 and cosine collections")]
    [InlineData(VectorMetric.L2, 100, "an IVF index of 10 lists with 256 sub-centroids per sub-vector needs at least 256 records to train on; the collection holds 100")]
    public void CreateIndex_WhatIvfCannotServe_IsRefusedSayingWhy(VectorMetric metric, int count, string expected)
    {
        using var collection = VectorCollection.Create(Folder, new CollectionSpec("items", 16, metric));
        collection.Upsert([.. VectorCollectionTests.Random(count, 16, seed: 17)]);

        var error = Assert.Throws<ArgumentException>(() => collection.CreateIndex(new IndexSpec("ivfpq", Ivf: new IvfOptions(Nlist: 10, M: 4))));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("flat", collection.Index.Kind);
    }

    private static double Recall(VectorCollection collection, VectorRecord[] queries, List<string[]> truth, int nprobe) =>
        queries.Select((q, i) => collection.Search(q.Vector, 10, options: new SearchOptions(Nprobe: nprobe)).Count(h => truth[i].Contains(h.Id))).Sum() / (10.0 * queries.Length);
}
