using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Vectors;
using Causeway.Vectors.Data;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Federated vector search over the network: the bundled fashion-mnist-ann base dealt round-robin to N party processes,
/// each with its own store and the same HNSW index, a coordinator on loopback (HTTP/2 + TLS) merging their answers; the
/// same records in one collection with the same index answer the same queries. Recall@10 of both against the exact
/// ground truth, and the federated query's latency (p50, p99) as the querier sees it (the control API round trip).
/// </summary>
internal static class FederatedVectorsBench
{
    public sealed record Settings
    {
        /// <summary>Party processes. Default 4.</summary>
        public int Parties { get; init; } = 4;

        /// <summary>Each query's repetitions for the latency figures. Default 5.</summary>
        public int Repeats { get; init; } = 5;

        /// <summary>The HNSW options every party and the union index use. Default M 16, efConstruction 200, ef 64.</summary>
        public HnswOptions Hnsw { get; init; } = new(16, 200, 64);

        public required string WorkDirectory { get; init; }
    }

    /// <param name="Settings">What ran.</param>
    /// <param name="Records">Base vectors over all parties.</param>
    /// <param name="Queries">Distinct queries.</param>
    /// <param name="FederatedRecall">Recall@10 of the merged federated answers (first repetition).</param>
    /// <param name="UnionRecall">Recall@10 of one index over the union, the same options.</param>
    /// <param name="Latencies">Every federated query's round trip, in milliseconds.</param>
    /// <param name="UnionMedianMilliseconds">The union index's median search time in this process.</param>
    /// <param name="Usage">CPU and peak memory per process.</param>
    public sealed record Result(
        Settings Settings, int Records, int Queries, double FederatedRecall, double UnionRecall, IReadOnlyList<double> Latencies, double UnionMedianMilliseconds,
        IReadOnlyList<LocalFederation.ProcessUsage> Usage)
    {
        public double P50 => Quantiles.Of(Latencies, 0.5);

        public double P99 => Quantiles.Of(Latencies, 0.99);

        public JsonObject ToJson() => new()
        {
            ["dataset"] = "fashion-mnist-ann (10,000 x 784, L2)",
            ["parties"] = Settings.Parties,
            ["records"] = Records,
            ["queries"] = Queries,
            ["repeats"] = Settings.Repeats,
            ["index"] = new JsonObject { ["kind"] = "hnsw", ["m"] = Settings.Hnsw.M, ["ef_construction"] = Settings.Hnsw.EfConstruction, ["ef"] = Settings.Hnsw.EfSearch },
            ["federated_recall_at_10"] = FederatedRecall,
            ["union_recall_at_10"] = UnionRecall,
            ["latency_ms_p50"] = P50,
            ["latency_ms_p99"] = P99,
            ["union_search_ms_median"] = UnionMedianMilliseconds,
            ["processes_usage"] = new JsonArray([.. Usage.Select(u => (JsonNode)new JsonObject { ["name"] = u.Name, ["cpu_seconds"] = u.CpuSeconds, ["peak_rss_mb"] = u.PeakResidentBytes / 1e6 })]),
        };
    }

    public static async Task<Result> RunAsync(Settings settings, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var folder = Path.Combine(DemoDatasets.LocateSamples(), "data", "fashion-mnist-ann");
        var vectors = VecFiles.ReadIdxImages(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));
        var queries = VecFiles.ReadVectors(Path.Combine(folder, "queries.bvecs"));
        var truth = VecFiles.ReadIds(Path.Combine(folder, "groundtruth.ivecs"));
        var spec = new CollectionSpec("images", vectors[0].Length, VectorMetric.L2);
        var index = new IndexSpec("hnsw", settings.Hnsw);

        // Every party's store, and the union, built in this process before the federation starts.
        var building = progress.AddTask($"building {settings.Parties} party stores and the union (HNSW)", maxValue: settings.Parties + 1);
        for (var p = 0; p < settings.Parties; p++)
        {
            using var store = VectorStore.Open(Path.Combine(settings.WorkDirectory, $"shop-{p + 1}"));
            var collection = store.Create(spec);
            collection.Upsert([.. vectors.Select((v, i) => (v, i)).Where(x => x.i % settings.Parties == p).Select(x => new VectorRecord(x.i.ToString(CultureInfo.InvariantCulture), x.v))]);
            collection.CreateIndex(index);

            // The bench asks faster than the default 60 queries a minute a party answers one querier.
            new DisclosurePolicy(QueriesPerMinute: 1_000_000).WriteTo(store.FolderOf(spec.Name));
            building.Increment(1);
        }

        using var unionStore = VectorStore.Open(Path.Combine(settings.WorkDirectory, "union"));
        var union = unionStore.Create(spec);
        union.Upsert([.. vectors.Select((v, i) => new VectorRecord(i.ToString(CultureInfo.InvariantCulture), v))]);
        union.CreateIndex(index);
        building.Increment(1);
        var unionTimes = new List<double>();
        var unionHits = 0;
        for (var q = 0; q < queries.Length; q++)
        {
            var watch = Stopwatch.StartNew();
            var found = union.Search(queries[q], 10);
            unionTimes.Add(watch.Elapsed.TotalMilliseconds);
            unionHits += found.Count(h => truth[q].Take(10).Contains(int.Parse(h.Id, CultureInfo.InvariantCulture)));
        }

        var joining = progress.AddTask($"starting 1 coordinator + {settings.Parties} party processes", maxValue: 1);
        var processes = Enumerable.Range(1, settings.Parties).Select(p => LocalFederation.Party.Vectors($"shop-{p}", Path.Combine(settings.WorkDirectory, $"shop-{p}"))).ToList();
        using var federation = await LocalFederation.StartAsync(settings.WorkDirectory, "vectors", processes, cancellationToken);
        joining.Value = 1;
        var querying = progress.AddTask($"{queries.Length} federated queries x {settings.Repeats}", maxValue: queries.Length * settings.Repeats);
        var latencies = new List<double>();
        var federatedHits = 0;
        for (var repeat = 0; repeat < settings.Repeats; repeat++)
        {
            for (var q = 0; q < queries.Length; q++)
            {
                var request = new JsonObject { ["collection"] = "images", ["vector"] = new JsonArray([.. queries[q].Select(v => (JsonNode)v)]), ["k"] = 10, ["deadlineSeconds"] = 10 };
                var watch = Stopwatch.StartNew();
                var answer = await federation.Api.SearchVectorsAsync(request.ToJsonString(), cancellationToken);
                latencies.Add(watch.Elapsed.TotalMilliseconds);
                if (answer["parties"]!.AsArray().Any(p => p!["status"]!.GetValue<string>() != "answered"))
                {
                    throw new InvalidOperationException($"query {q}: a party did not answer: {answer["parties"]!.ToJsonString()}");
                }

                if (repeat == 0)
                {
                    federatedHits += answer["hits"]!.AsArray().Count(h => truth[q].Take(10).Contains(int.Parse(h!["id"]!.GetValue<string>(), CultureInfo.InvariantCulture)));
                }

                querying.Increment(1);
            }
        }

        return new Result(
            settings, vectors.Length, queries.Length, federatedHits / (10.0 * queries.Length), unionHits / (10.0 * queries.Length), latencies,
            Quantiles.Of(unionTimes, 0.5), federation.Usage());
    }
}
