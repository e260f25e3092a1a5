namespace Causeway.Vectors.Tests;

public sealed class FederatedKMeansTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("causeway-fedkmeans-");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public async Task SharedCodebook_TrainedFromStatisticsOnly_IndexesEveryPartyAsWellAsItsOwnCodebook()
    {
        var records = HnswIndexTests.Clustered(3000, 32, seed: 31);
        var queries = HnswIndexTests.Clustered(30, 32, seed: 32);
        var parties = Enumerable.Range(0, 3).Select(p =>
        {
            var collection = VectorCollection.Create(Path.Combine(_root.FullName, $"shop-{p}"), new CollectionSpec("items", 32, VectorMetric.L2));
            collection.Upsert([.. records.Where((_, i) => i % 3 == p)]);
            return collection;
        }).ToList();
        try
        {
            var recorders = parties.Select(c => new RecordingSource(c.Statistics())).ToList();

            // Act
            var codebook = await FederatedKMeans.TrainAsync(recorders, dimension: 32, lists: 16, subQuantizers: 8, iterations: 10, minCount: 5, seed: 7, CancellationToken.None);

            // Assert: what left each party were sums and counts, never over fewer than 5 of its vectors.
            Assert.All(recorders.SelectMany(r => r.Counts), count => Assert.True(count == 0 || count >= 5, $"a count of {count}"));
            Assert.All(recorders, r => Assert.True(r.Calls > 0));

            // Every party indexes with the same codebook and finds its own neighbours about as well as with a codebook
            // trained on its own vectors alone.
            var spec = new IndexSpec("ivfpq", Ivf: new IvfOptions(Nlist: 16, M: 8));
            foreach (var collection in parties)
            {
                var truth = queries.Select(q => collection.Search(q.Vector, 10).Select(h => h.Id).ToHashSet()).ToList();
                collection.CreateIndex(spec);
                var own = Recall(collection, queries, truth);
                collection.CreateIndex(spec, codebook);
                var shared = Recall(collection, queries, truth);
                Assert.True(shared >= 0.9 && shared >= own - 0.05, $"recall@10 with the shared codebook {shared}, with its own {own}");
            }

            // The shared codebook survives a lost index file: the rebuild uses it again, not a local one.
            var first = parties[0].Search(queries[0].Vector, 10).Select(h => h.Id).ToList();
            var folder = Path.Combine(_root.FullName, "shop-0");
            parties[0].Dispose();
            foreach (var file in Directory.GetFiles(folder, "index-*.bin"))
            {
                File.Delete(file);
            }

            parties[0] = VectorCollection.Open(folder);
            Assert.False(parties[0].IndexLoadedFromDisk);
            Assert.Equal(first, parties[0].Search(queries[0].Vector, 10).Select(h => h.Id));
        }
        finally
        {
            parties.ForEach(p => p.Dispose());
        }
    }

    [Fact]
    public void Codebook_OfAnotherShape_IsRefusedNamingBoth()
    {
        using var collection = VectorCollection.Create(Path.Combine(_root.FullName, "items"), new CollectionSpec("items", 16, VectorMetric.L2));
        collection.Upsert([.. VectorCollectionTests.Random(500, 16, seed: 33)]);
        var codebook = new IvfCodebook(8, 4, 0, new float[32], null);

        var error = Assert.Throws<ArgumentException>(() => collection.CreateIndex(new IndexSpec("ivfflat"), codebook));

        Assert.StartsWith("a codebook of 4 lists, m = 0, dimension 8 does not fit a ivfflat index of collection 'items' (dimension 16)", error.Message, StringComparison.Ordinal);
    }

    private static double Recall(VectorCollection collection, VectorRecord[] queries, List<HashSet<string>> truth) =>
        queries.Select((q, i) => collection.Search(q.Vector, 10, options: new SearchOptions(Nprobe: 8)).Count(h => truth[i].Contains(h.Id))).Sum() / (10.0 * queries.Length);

    // What a party's statistics source returned: the trainer's whole view of that party.
    private sealed class RecordingSource(ICentroidStatisticsSource inner) : ICentroidStatisticsSource
    {
        public List<long> Counts { get; } = [];

        public int Calls { get; private set; }

        public Task<(double[] Sum, double[] SumSquares, long Count)> MomentsAsync(float[]? coarse, int start, int length, CancellationToken cancellationToken)
        {
            Calls++;
            return inner.MomentsAsync(coarse, start, length, cancellationToken);
        }

        public async Task<(double[] Sums, long[] Counts)> AccumulateAsync(float[] centroids, float[]? coarse, int start, int length, int minCount, CancellationToken cancellationToken)
        {
            Calls++;
            var answer = await inner.AccumulateAsync(centroids, coarse, start, length, minCount, cancellationToken);
            lock (Counts)
            {
                Counts.AddRange(answer.Counts);
            }

            return answer;
        }
    }
}
