using BenchmarkDotNet.Attributes;
using Causeway.Vectors;

namespace Causeway.Benchmarks;

/// <summary>
/// IVF-PQ search, one thread: 200,000 seeded clustered vectors of 128 dimensions, 512 lists, 16 sub-quantizers of 8 bits,
/// no re-ranking; 100 queries of top 10 at nprobe 16 (about 6,000 codes scanned per query).
/// </summary>
[MemoryDiagnoser]
public class IvfPqSearchBenchmarks
{
    private const int Dimension = 128;
    private string _folder = string.Empty;
    private VectorCollection _collection = null!;
    private float[][] _queries = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var centres = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, Dimension).Select(_ => (float)(random.NextDouble() * 10)).ToArray()).ToArray();
        float[] Near(float[] centre) => [.. centre.Select(c => c + (float)(random.NextDouble() - 0.5))];
        _folder = Path.Combine(Path.GetTempPath(), "causeway-ivfpq-bench-" + Guid.NewGuid().ToString("N"));
        _collection = VectorCollection.Create(_folder, new CollectionSpec("bench", Dimension, VectorMetric.L2));
        for (var at = 0; at < 200_000; at += 5000)
        {
            _collection.Upsert([.. Enumerable.Range(at, 5000).Select(i => new VectorRecord(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Near(centres[i % centres.Length])))]);
        }

        _collection.CreateIndex(new IndexSpec("ivfpq", Ivf: new IvfOptions(Nlist: 512, M: 16, Rerank: 1)));
        _queries = [.. Enumerable.Range(0, 100).Select(i => Near(centres[(i * 7) % centres.Length]))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _collection.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Description = "100 queries, top 10, nprobe 16")]
    public int Search()
    {
        var found = 0;
        var options = new SearchOptions(Nprobe: 16);
        foreach (var query in _queries)
        {
            found += _collection.Search(query, 10, options: options).Count;
        }

        return found;
    }
}
