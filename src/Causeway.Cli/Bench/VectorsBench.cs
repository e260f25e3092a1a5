using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Vectors;
using Causeway.Vectors.Data;
using Causeway.Vectors.Indexes;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Approximate nearest-neighbour search against its peers on the same data in the same run: Causeway's collections
/// (flat, HNSW in float32 and float16, IVF-Flat, IVF-PQ with and without re-ranking) and, through <c>benchmarks/vectors/peers.py</c>, hnswlib's HNSW and FAISS's flat,
/// HNSW and IVF-PQ, with matched parameters. Recall@10 against exact ground truth; queries per second on one thread
/// and on every core; build seconds; bytes per vector of the index.
/// </summary>
/// <remarks>
/// Every engine answers the same query set repeatedly until <see cref="Settings.MinSeconds"/> have passed, one query
/// at a time on one thread, and spread over every core. Causeway's figures go through the collection's API (its lock,
/// exact re-ranking of the candidates and payload lookup included); its bytes per vector are the native index's own
/// saved size, as the peers' are their serialised index (the collection also keeps a float32 copy for durability and
/// re-ranking: 4 × dimension bytes). Under float16, Causeway's HNSW asks for 2k candidates to re-rank, so its effective
/// ef is at least 20 for k = 10.
/// </remarks>
internal static class VectorsBench
{
    public sealed record Settings
    {
        /// <summary>Base vectors (.fvecs or .bvecs); null for the bundled fashion-mnist-ann or <see cref="Synthetic"/>.</summary>
        public string? BasePath { get; init; }

        public string? QueriesPath { get; init; }

        public string? GroundTruthPath { get; init; }

        /// <summary>Generate this many seeded clustered vectors instead (their ground truth computed exactly); null for files.</summary>
        public int? Synthetic { get; init; }

        /// <summary>The synthetic vectors' dimension. Default 128.</summary>
        public int SyntheticDimension { get; init; } = 128;

        /// <summary>HNSW links per node, for every engine. Default 16.</summary>
        public int M { get; init; } = 16;

        /// <summary>HNSW efConstruction, for every engine. Default 200 (hnswlib's README).</summary>
        public int EfConstruction { get; init; } = 200;

        /// <summary>The ef values searched. Default 10, 20, 40, 80, 160.</summary>
        public IReadOnlyList<int> Ef { get; init; } = [10, 20, 40, 80, 160];

        /// <summary>Also measure float32 HNSW split into this many shards searched in parallel (1: not measured). Default 2.</summary>
        public int Shards { get; init; } = 2;

        /// <summary>IVF lists for every engine; null for FAISS's rule of thumb, 4√n.</summary>
        public int? Nlist { get; init; }

        /// <summary>IVF-PQ bytes per code for every engine; null for the largest of 16, 8, 4, 2, 1 that divides the dimension.</summary>
        public int? PqM { get; init; }

        /// <summary>IVF-PQ re-ranking for every engine: exact distances for this many times k of the best codes. Default 4.</summary>
        public int Rerank { get; init; } = 4;

        /// <summary>Measure FAISS's HNSW too (the slowest build of the peers). Default true.</summary>
        public bool FaissHnsw { get; init; } = true;

        /// <summary>Measure HNSW at all, Causeway's and the peers'; false measures flat and IVF only (a quicker IVF run). Default true.</summary>
        public bool Hnsw { get; init; } = true;

        /// <summary>IVF-PQ (FAISS): nprobe values. Default 1, 4, 16, 64.</summary>
        public IReadOnlyList<int> Nprobe { get; init; } = [1, 4, 16, 64];

        /// <summary>Seconds each measurement lasts at least. Default 1.</summary>
        public double MinSeconds { get; init; } = 1;

        /// <summary>Measure hnswlib and FAISS too (installs Debian's packages when missing). Default true.</summary>
        public bool Peers { get; init; } = true;

        public ulong Seed { get; init; } = 42;

        public required string WorkDirectory { get; init; }
    }

    /// <summary>One engine, index and setting.</summary>
    public sealed record Measurement(string Engine, string Index, JsonObject Params, int Threads, double RecallAt10, double Qps, double BuildSeconds, double BytesPerVector)
    {
        public JsonObject ToJson() => new()
        {
            ["engine"] = Engine,
            ["index"] = Index,
            ["params"] = Params.DeepClone(),
            ["threads"] = Threads,
            ["recall_at_10"] = RecallAt10,
            ["qps"] = Qps,
            ["build_seconds"] = BuildSeconds,
            ["bytes_per_vector"] = BytesPerVector,
        };
    }

    public sealed record Result(string Dataset, int Count, int Dimension, int Queries, IReadOnlyList<Measurement> Results, JsonObject Versions);

    public static Result Run(Settings settings, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var loading = progress.AddTask("loading the vectors", maxValue: 1);
        var (name, vectors, queries, truth) = Load(settings);
        loading.Value = 1;
        var threads = Environment.ProcessorCount;
        var results = new List<Measurement>();

        var folder = Path.Combine(settings.WorkDirectory, "collection");
        var inserting = progress.AddTask($"causeway: inserting {vectors.Length:N0} vectors", maxValue: vectors.Length);
        using var collection = VectorCollection.Create(folder, new CollectionSpec("bench", vectors[0].Length, VectorMetric.L2));
        for (var at = 0; at < vectors.Length; at += 5000)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = vectors.Skip(at).Take(5000).Select((v, i) => new VectorRecord((at + i).ToString(CultureInfo.InvariantCulture), v)).ToList();
            collection.Upsert(batch);
            inserting.Value = at + batch.Count;
        }

        var measuring = progress.AddTask(settings.Hnsw ? "causeway: flat and hnsw" : "causeway: flat", maxValue: 1 + (settings.Hnsw ? 2 * settings.Ef.Count : 0));
        foreach (var t in new[] { 1, threads }.Distinct())
        {
            results.Add(Measure(collection, "flat", [], queries, truth, t, 0, 4.0 * vectors[0].Length, SearchOptions.Default, settings.MinSeconds));
        }

        measuring.Increment(1);
        foreach (var quantization in settings.Hnsw ? [HnswQuantization.F32, HnswQuantization.F16] : Array.Empty<HnswQuantization>())
        {
            var options = new HnswOptions(settings.M, settings.EfConstruction, Quantization: quantization);
            var build = collection.CreateIndex(new IndexSpec("hnsw", options));
            foreach (var ef in settings.Ef)
            {
                foreach (var t in new[] { 1, threads }.Distinct())
                {
                    var parameters = new JsonObject { ["m"] = settings.M, ["ef_construction"] = settings.EfConstruction, ["ef"] = ef, ["quantization"] = quantization.ToString().ToLowerInvariant() };
                    results.Add(Measure(collection, "hnsw", parameters, queries, truth, t, build.BuildSeconds, (double)build.IndexBytes!.Value / vectors.Length, new SearchOptions(Ef: ef), settings.MinSeconds));
                }

                measuring.Increment(1);
            }
        }

        // The same float32 graph split into shards: one query runs on as many cores as there are shards.
        if (settings.Shards > 1 && settings.Hnsw)
        {
            var sharded = collection.CreateIndex(new IndexSpec("hnsw", new HnswOptions(settings.M, settings.EfConstruction), Shards: settings.Shards));
            foreach (var ef in settings.Ef)
            {
                foreach (var t in new[] { 1, threads }.Distinct())
                {
                    var parameters = new JsonObject { ["m"] = settings.M, ["ef_construction"] = settings.EfConstruction, ["ef"] = ef, ["quantization"] = "f32", ["shards"] = settings.Shards };
                    results.Add(Measure(collection, "hnsw", parameters, queries, truth, t, sharded.BuildSeconds, (double)sharded.IndexBytes!.Value / vectors.Length, new SearchOptions(Ef: ef), settings.MinSeconds));
                }
            }
        }

        // IVF with FAISS's layout: nlist = 4√n lists, m sub-vectors of 8 bits (the largest of 16, 8, 4, 2, 1 dividing d).
        var (nlist, subquantizers) = IvfLayout(vectors.Length, vectors[0].Length, settings);
        if (vectors[0].Length % subquantizers != 0)
        {
            throw new InvalidOperationException($"--pq-m {subquantizers} does not divide the vectors' dimension {vectors[0].Length}");
        }

        var ivf = progress.AddTask("causeway: ivfflat and ivfpq", maxValue: 3 * settings.Nprobe.Count);
        foreach (var (kind, rerank) in new[] { ("ivfflat", 1), ("ivfpq", 1), ("ivfpq", settings.Rerank) })
        {
            var options = new IvfOptions(Nlist: nlist, M: subquantizers, Rerank: rerank);
            var build = collection.CreateIndex(new IndexSpec(kind, Ivf: options));
            foreach (var nprobe in settings.Nprobe)
            {
                foreach (var t in new[] { 1, threads }.Distinct())
                {
                    var parameters = new JsonObject { ["nlist"] = nlist };
                    if (kind == "ivfpq")
                    {
                        parameters["m"] = subquantizers;
                        parameters["nbits"] = 8;
                    }

                    parameters["nprobe"] = nprobe;
                    if (rerank > 1)
                    {
                        parameters["rerank"] = rerank;
                    }

                    // Re-ranking reads the collection's float32 copy, as FAISS's IndexRefineFlat holds its own.
                    var bytes = (double)build.IndexBytes!.Value / vectors.Length + (rerank > 1 ? 4.0 * vectors[0].Length : 0);
                    results.Add(Measure(collection, kind, parameters, queries, truth, t, build.BuildSeconds, bytes, new SearchOptions(Nprobe: nprobe), settings.MinSeconds));
                }

                ivf.Increment(1);
            }
        }

        var versions = new JsonObject { ["usearch"] = "2.26.6 (libusearch_c from Cloud.Unum.USearch)", ["dotnet"] = Environment.Version.ToString() };
        if (settings.Peers)
        {
            var peers = progress.AddTask("hnswlib and faiss (benchmarks/vectors/peers.py)", maxValue: 1);
            var (peerResults, peerVersions) = RunPeers(settings, vectors, queries, truth, threads, cancellationToken);
            results.AddRange(peerResults);
            foreach (var (key, value) in peerVersions)
            {
                versions[key] = value?.DeepClone();
            }

            peers.Value = 1;
        }

        return new Result(name, vectors.Length, vectors[0].Length, queries.Length, results, versions);
    }

    private static Measurement Measure(
        VectorCollection collection, string index, JsonObject parameters, float[][] queries, int[][] truth, int threads, double buildSeconds, double bytesPerVector, SearchOptions options, double minSeconds)
    {
        var found = new string[queries.Length][];
        void Answer(int q) => found[q] = [.. collection.Search(queries[q], 10, options: options).Select(h => h.Id)];

        var repeats = 0;
        var watch = Stopwatch.StartNew();
        do
        {
            if (threads == 1)
            {
                for (var q = 0; q < queries.Length; q++)
                {
                    Answer(q);
                }
            }
            else
            {
                Parallel.For(0, queries.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, Answer);
            }

            repeats++;
        }
        while (watch.Elapsed.TotalSeconds < minSeconds);

        var qps = repeats * queries.Length / watch.Elapsed.TotalSeconds;
        var hits = 0;
        for (var q = 0; q < queries.Length; q++)
        {
            var expected = truth[q].Take(10).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToHashSet(StringComparer.Ordinal);
            hits += found[q].Count(expected.Contains);
        }

        return new Measurement("causeway", index, parameters, threads, hits / (10.0 * queries.Length), qps, buildSeconds, bytesPerVector);
    }

    private static (string Name, float[][] Vectors, float[][] Queries, int[][] Truth) Load(Settings settings)
    {
        if (settings.Synthetic is { } count)
        {
            var (vectors, queries) = Clustered(count, settings.SyntheticDimension, 100, settings.Seed);
            return ($"synthetic {count:N0} x {settings.SyntheticDimension} (seed {settings.Seed})", vectors, queries, ExactTopK(vectors, queries, 100));
        }

        if (settings.BasePath is { } basePath)
        {
            return (Path.GetFileName(basePath), VecFiles.ReadVectors(basePath), VecFiles.ReadVectors(settings.QueriesPath!), VecFiles.ReadIds(settings.GroundTruthPath!));
        }

        var folder = Path.Combine(DemoDatasets.LocateSamples(), "data", "fashion-mnist-ann");
        return (
            "fashion-mnist-ann (10,000 x 784, L2; samples/data)",
            VecFiles.ReadIdxImages(Path.Combine(folder, "t10k-images-idx3-ubyte.gz")),
            VecFiles.ReadVectors(Path.Combine(folder, "queries.bvecs")),
            VecFiles.ReadIds(Path.Combine(folder, "groundtruth.ivecs")));
    }

    // Points around √n seeded centres (embeddings cluster), and queries drawn the same way.
    private static (float[][] Vectors, float[][] Queries) Clustered(int count, int dimension, int queries, ulong seed)
    {
        var random = new Random((int)seed);
        var centres = Enumerable.Range(0, Math.Max(1, (int)Math.Sqrt(count))).Select(_ => Gaussian(random, dimension, 1f)).ToArray();
        float[] Point() => [.. centres[random.Next(centres.Length)].Zip(Gaussian(random, dimension, 0.3f), (c, n) => c + n)];
        return ([.. Enumerable.Range(0, count).Select(_ => Point())], [.. Enumerable.Range(0, queries).Select(_ => Point())]);
    }

    private static float[] Gaussian(Random random, int dimension, float scale) =>
        [.. Enumerable.Range(0, dimension).Select(_ => scale * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble())))];

    // The exact k nearest base rows of every query, on every core.
    private static int[][] ExactTopK(float[][] vectors, float[][] queries, int k)
    {
        var truth = new int[queries.Length][];
        var farthestFirst = Comparer<(float Distance, int Row)>.Create((a, b) => b.CompareTo(a));
        Parallel.For(0, queries.Length, q =>
        {
            // A bounded max-heap of (distance, row): the root is the worst kept, ties broken by the lower row.
            var heap = new PriorityQueue<int, (float Distance, int Row)>(k + 1, farthestFirst);
            for (var i = 0; i < vectors.Length; i++)
            {
                var d = VectorDistance.Of(VectorMetric.L2, queries[q], vectors[i]);
                if (heap.Count < k)
                {
                    heap.Enqueue(i, (d, i));
                }
                else if (heap.TryPeek(out _, out var worst) && (d, i).CompareTo(worst) < 0)
                {
                    heap.EnqueueDequeue(i, (d, i));
                }
            }

            var rows = new int[heap.Count];
            for (var at = rows.Length - 1; at >= 0; at--)
            {
                rows[at] = heap.Dequeue();
            }

            truth[q] = rows;
        });
        return truth;
    }

    private static (IReadOnlyList<Measurement> Results, JsonObject Versions) RunPeers(
        Settings settings, float[][] vectors, float[][] queries, int[][] truth, int threads, CancellationToken cancellationToken)
    {
        var root = Path.GetDirectoryName(DemoDatasets.LocateSamples())!;
        var install = Path.Combine(root, "benchmarks", "vectors", "install-peers.sh");
        var python = Exec("bash", [install], TimeSpan.FromMinutes(10), cancellationToken).Trim();

        var work = settings.WorkDirectory;
        VecFiles.WriteVectors(Path.Combine(work, "base.fvecs"), vectors);
        VecFiles.WriteVectors(Path.Combine(work, "queries.fvecs"), queries);
        VecFiles.WriteIds(Path.Combine(work, "groundtruth.ivecs"), truth);
        var (nlist, subquantizers) = IvfLayout(vectors.Length, vectors[0].Length, settings);
        var plan = new JsonObject
        {
            ["ivfpq"] = new JsonObject { ["nlist"] = nlist, ["m"] = subquantizers, ["nbits"] = 8, ["nprobe"] = new JsonArray([.. settings.Nprobe.Select(n => (JsonNode)n)]), ["rerank"] = settings.Rerank },
            ["faiss_hnsw"] = settings.FaissHnsw && settings.Hnsw,
            ["threads"] = threads,
        };
        if (settings.Hnsw)
        {
            plan["hnsw"] = new JsonObject { ["m"] = settings.M, ["ef_construction"] = settings.EfConstruction, ["ef"] = new JsonArray([.. settings.Ef.Select(e => (JsonNode)e)]) };

            // Causeway's HNSW build inserts in its locality order; hnswlib is measured in the file's order (what its user
            // gets) and, for the engines alone, in the same order.
            var order = Enumerable.Range(0, vectors.Length).ToArray();
            LocalityOrder.Sort(order, vectors[0].Length, row => vectors[row], seed: 42);
            if (!order.SequenceEqual(Enumerable.Range(0, vectors.Length)))
            {
                VecFiles.WriteIds(Path.Combine(work, "locality-order.ivecs"), [order]);
                plan["hnsw"]!["locality_order"] = Path.Combine(work, "locality-order.ivecs");
            }
        }
        File.WriteAllText(Path.Combine(work, "plan.json"), plan.ToJsonString());
        var output = Exec(
            python,
            [Path.Combine(root, "benchmarks", "vectors", "peers.py"), "--base", Path.Combine(work, "base.fvecs"), "--queries", Path.Combine(work, "queries.fvecs"),
                "--groundtruth", Path.Combine(work, "groundtruth.ivecs"), "--plan", Path.Combine(work, "plan.json"),
                "--min-seconds", settings.MinSeconds.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromHours(2),
            cancellationToken);
        var json = JsonNode.Parse(output)!.AsObject();
        var results = json["results"]!.AsArray().Select(r => new Measurement(
            r!["engine"]!.GetValue<string>(), r["index"]!.GetValue<string>(), r["params"]!.AsObject().DeepClone().AsObject(), r["threads"]!.GetValue<int>(),
            r["recall_at_10"]!.GetValue<double>(), r["qps"]!.GetValue<double>(), r["build_seconds"]!.GetValue<double>(), r["bytes_per_vector"]!.GetValue<double>())).ToList();
        return (results, json["versions"]!.AsObject().DeepClone().AsObject());
    }

    private static (int Nlist, int SubQuantizers) IvfLayout(int count, int dimension, Settings settings) =>
        (settings.Nlist ?? Math.Max(16, (int)(4 * Math.Sqrt(count))), settings.PqM ?? new[] { 16, 8, 4, 2, 1 }.First(m => dimension % m == 0));

    // Runs a helper to the end; its standard output, or an InvalidOperationException with its last error lines.
    private static string Exec(string file, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(arguments.FirstOrDefault() ?? file)} did not finish in {timeout}");
        }

        if (process.ExitCode != 0)
        {
            var lines = stderr.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            throw new InvalidOperationException($"{Path.GetFileName(arguments.FirstOrDefault() ?? file)} failed ({process.ExitCode}): {string.Join(" | ", lines.TakeLast(3))}");
        }

        return stdout.Result;
    }

    /// <summary>The report's JSON: the dataset, every measurement, the versions.</summary>
    public static JsonObject ToJson(Result result) => new()
    {
        ["dataset"] = result.Dataset,
        ["count"] = result.Count,
        ["dimension"] = result.Dimension,
        ["queries"] = result.Queries,
        ["versions"] = result.Versions.DeepClone(),
        ["results"] = new JsonArray([.. result.Results.Select(r => (JsonNode)r.ToJson())]),
    };

    /// <summary>The parameters in a few characters for the console table (the report keeps their full names).</summary>
    internal static string Describe(JsonObject parameters) => string.Join(' ', parameters.Select(p => p.Key switch
    {
        "quantization" => p.Value!.GetValue<string>(),
        "ef_construction" => $"efC={p.Value}",
        "m" => $"M={p.Value}",
        _ => $"{p.Key}={p.Value}",
    }));
}
