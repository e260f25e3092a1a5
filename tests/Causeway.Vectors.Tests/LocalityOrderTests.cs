using Causeway.Vectors.Indexes;

namespace Causeway.Vectors.Tests;

public sealed class LocalityOrderTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-locality-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void Sort_AboveTheThreshold_PutsARandomTenthFirst_ThenGroupsNearRecords()
    {
        // Records of 20 far-apart clusters, dealt in turn: in the given order, every neighbour is of another cluster.
        var records = HnswIndexTests.Clustered(LocalityOrder.MinRecords, 16, seed: 3);
        var clusterOf = Enumerable.Range(0, records.Length).Select(i => i % 20).ToArray();
        var order = Enumerable.Range(0, records.Length).ToArray();

        LocalityOrder.Sort(order, 16, row => records[row].Vector, seed: 42);

        Assert.Equal(Enumerable.Range(0, records.Length), order.Order());
        var head = (int)(LocalityOrder.RandomShare * records.Length);
        static int Changes(IEnumerable<int> clusters) => clusters.Zip(clusters.Skip(1), (a, b) => a != b ? 1 : 0).Sum();

        // The random tenth: about 19 in 20 consecutive records change cluster, as in a shuffle.
        Assert.InRange(Changes(order.Take(head).Select(r => clusterOf[r])), 0.9 * head, head);

        // The rest by cell: √n = 316 cells inside 20 clusters, so a cluster changes only between cells, at most 315 times.
        Assert.InRange(Changes(order.Skip(head).Select(r => clusterOf[r])), 19, 315);
    }

    [Fact]
    public void Sort_BelowTheThreshold_LeavesTheOrderAsItIs()
    {
        var records = HnswIndexTests.Clustered(LocalityOrder.MinRecords - 1, 4, seed: 3);
        var order = Enumerable.Range(0, records.Length).ToArray();

        LocalityOrder.Sort(order, 4, row => records[row].Vector, seed: 42);

        Assert.Equal(Enumerable.Range(0, records.Length), order);
    }

    [Fact]
    public void CreateIndex_HnswOnAnEmptyCollection_BuildsAnEmptyIndex_ThatTakesInsertsAfterwards()
    {
        using var collection = VectorCollection.Create(Path.Combine(_root.FullName, "empty"), new CollectionSpec("items", 4, VectorMetric.L2));

        collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions()));

        Assert.Empty(collection.Search([1, 2, 3, 4], 5));
        collection.Upsert([new VectorRecord("a", [1, 2, 3, 4])]);
        Assert.Equal(["a"], collection.Search([1, 2, 3, 4], 5).Select(h => h.Id));
    }

    [Fact]
    public void Search_HnswBuiltInLocalityOrder_FindsWhatTheFlatIndexFinds()
    {
        // Large enough for the build to reorder. A small efConstruction shows what the order does to the graph: inserted cell
        // by cell alone it found 0.67 of the true neighbours here; with the random tenth first, 0.94.
        var (records, queries) = ManyClusters(LocalityOrder.MinRecords + 20_000, 300, Dimension);
        using var collection = VectorCollection.Create(Path.Combine(_root.FullName, "items"), new CollectionSpec("items", Dimension, VectorMetric.L2));
        collection.Upsert(records);
        var truth = queries.Select(q => collection.Search(q.Vector, 10)).ToList();

        collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(EfConstruction: 32)));
        var found = queries.Select(q => collection.Search(q.Vector, 10, options: new SearchOptions(Ef: 64))).ToList();

        var recall = truth.Zip(found, (t, f) => t.Select(h => h.Id).Intersect(f.Select(h => h.Id)).Count()).Sum() / (10.0 * queries.Length);
        Assert.True(recall >= 0.85, $"recall@10 {recall}");
    }

    private const int Dimension = 32;

    // √n Gaussian centres with points ±0.3 around them, as `bench vectors --synthetic` draws: many small far-apart clusters.
    private static (VectorRecord[] Records, VectorRecord[] Queries) ManyClusters(int count, int queries, int dimension)
    {
        var random = new Random(11);
        float Gaussian() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        var centres = Enumerable.Range(0, (int)Math.Sqrt(count)).Select(_ => Enumerable.Range(0, dimension).Select(_ => Gaussian()).ToArray()).ToArray();
        VectorRecord Point(string id)
        {
            var centre = centres[random.Next(centres.Length)];
            return new VectorRecord(id, [.. centre.Select(c => c + (0.3f * Gaussian()))]);
        }

        return ([.. Enumerable.Range(0, count).Select(i => Point($"r{i}"))], [.. Enumerable.Range(0, queries).Select(i => Point($"q{i}"))]);
    }
}
