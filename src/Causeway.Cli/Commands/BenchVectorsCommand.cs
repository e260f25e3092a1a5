using System.CommandLine;
using System.Globalization;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench vectors</c>: recall@10 against queries per second for Causeway's indexes beside hnswlib and FAISS on the same data.</summary>
internal static class BenchVectorsCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new VectorsBench.Settings { WorkDirectory = Path.Combine(".causeway", "bench-vectors") };
        var basePath = new Option<FileInfo?>("--base") { Description = "Base vectors (.fvecs or .bvecs); with --queries and --groundtruth. Default: the bundled fashion-mnist-ann.", HelpName = "FILE" };
        var queries = new Option<FileInfo?>("--queries") { Description = "Query vectors (.fvecs or .bvecs).", HelpName = "FILE" };
        var groundTruth = new Option<FileInfo?>("--groundtruth") { Description = "Each query's exact nearest base ids, nearest first (.ivecs).", HelpName = "FILE" };
        var synthetic = new Option<int?>("--synthetic") { Description = "Instead of files: N seeded clustered vectors (ground truth computed exactly), e.g. 1000000.", HelpName = "N" };
        var dimension = new Option<int>("--dim") { Description = "The synthetic vectors' dimension.", DefaultValueFactory = _ => defaults.SyntheticDimension };
        var m = new Option<int>("--m") { Description = "HNSW links per node, for every engine.", DefaultValueFactory = _ => defaults.M };
        var efConstruction = new Option<int>("--ef-construction") { Description = "HNSW efConstruction, for every engine.", DefaultValueFactory = _ => defaults.EfConstruction };
        var ef = new Option<int[]>("--ef") { Description = "ef values to search with (repeat the option).", DefaultValueFactory = _ => [.. defaults.Ef], AllowMultipleArgumentsPerToken = true };
        var shards = new Option<int>("--shards") { Description = "Also measure float32 HNSW split into this many shards searched in parallel (1 skips it).", DefaultValueFactory = _ => defaults.Shards };
        var nlist = new Option<int?>("--nlist") { Description = "IVF lists, for every engine (default 4√n, FAISS's rule of thumb)." };
        var pqM = new Option<int?>("--pq-m") { Description = "IVF-PQ bytes per code (sub-quantizers of 8 bits), for every engine; must divide the dimension (default the largest of 16, 8, 4, 2, 1 that does).", HelpName = "M" };
        var rerank = new Option<int>("--rerank") { Description = "IVF-PQ re-ranking: exact distances for this many times k of the best codes, for every engine.", DefaultValueFactory = _ => defaults.Rerank };
        var skipFaissHnsw = new Option<bool>("--skip-faiss-hnsw") { Description = "Leave out FAISS's HNSW (its build is the slowest of the peers; hnswlib is the HNSW reference)." };
        var skipHnsw = new Option<bool>("--skip-hnsw") { Description = "Leave out HNSW for every engine: flat and IVF only (a quicker run to measure IVF)." };
        var minSeconds = new Option<double>("--min-seconds") { Description = "Each measurement repeats the queries for at least this long.", DefaultValueFactory = _ => defaults.MinSeconds };
        var noPeers = new Option<bool>("--no-peers") { Description = "Measure Causeway only (skip hnswlib and FAISS)." };
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = $"Where the bench writes its collection and the peers' input files: a new or empty folder, or one an earlier bench made (marked by {WorkFolder.MarkerFile}). Default: a new folder under {defaults.WorkDirectory}/.",
            HelpName = "DIR",
        };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command("vectors", "Approximate nearest-neighbour search: Causeway's flat and HNSW (float32, float16) beside hnswlib and FAISS (flat, HNSW, IVF-PQ) on the same data: recall@10, queries/s on 1 thread and all cores, build time, bytes per vector.")
        {
            basePath, queries, groundTruth, synthetic, dimension, m, efConstruction, ef, shards, nlist, pqM, rerank, skipFaissHnsw, skipHnsw, minSeconds, noPeers, workDirectory, seed, report,
        };
        command.SetAction((parse, cancellationToken) => Task.Run(() =>
        {
            var settings = defaults with
            {
                BasePath = parse.GetValue(basePath)?.FullName,
                QueriesPath = parse.GetValue(queries)?.FullName,
                GroundTruthPath = parse.GetValue(groundTruth)?.FullName,
                Synthetic = parse.GetValue(synthetic),
                SyntheticDimension = parse.GetValue(dimension),
                M = parse.GetValue(m),
                EfConstruction = parse.GetValue(efConstruction),
                Ef = parse.GetValue(ef)!,
                MinSeconds = parse.GetValue(minSeconds),
                Shards = parse.GetValue(shards),
                Nlist = parse.GetValue(nlist),
                PqM = parse.GetValue(pqM),
                Rerank = parse.GetValue(rerank),
                FaissHnsw = !parse.GetValue(skipFaissHnsw),
                Hnsw = !parse.GetValue(skipHnsw),
                Peers = !parse.GetValue(noPeers),
                Seed = parse.GetValue(seed),
            };
            var files = new[] { settings.BasePath, settings.QueriesPath, settings.GroundTruthPath };
            var problem = files.Any(f => f is not null) && files.Any(f => f is null) ? "--base, --queries and --groundtruth go together"
                : files[0] is not null && settings.Synthetic is not null ? "give either --base ... or --synthetic N"
                : settings.Synthetic is < 1000 ? "--synthetic needs at least 1000 vectors"
                : settings.SyntheticDimension < 1 || settings.M < 2 || settings.EfConstruction < settings.M || settings.Ef.Count == 0 || settings.Ef.Any(e => e < 1) ? "--dim >= 1, --m >= 2, --ef-construction >= --m and every --ef >= 1 are required"
                : !(settings.MinSeconds > 0) ? "--min-seconds must be positive"
                : settings.Shards is < 1 or > 64 ? "--shards must be 1 to 64"
                : settings.Nlist is < 1 ? "--nlist must be at least 1"
                : settings.PqM is < 1 ? "--pq-m must be at least 1"
                : settings.Rerank < 2 ? "--rerank must be at least 2 (the bench measures IVF-PQ without re-ranking beside it)"
                : null;
            if (problem is not null)
            {
                Console.Error.WriteLine($"bench vectors: {problem}.");
                return 2;
            }

            using var work = parse.GetValue(workDirectory) is { } named
                ? WorkFolder.Claim(named.FullName, "--work-dir", "causeway bench vectors")
                : WorkFolder.CreateUnique(defaults.WorkDirectory, "causeway bench vectors", TimeProvider.System);
            settings = settings with { WorkDirectory = work.Path };
            var loadBefore = LoadAverage.Read();
            VectorsBench.Result result = null!;
            try
            {
                AnsiConsole.Progress().AutoClear(false).Start(progress => result = VectorsBench.Run(settings, progress, cancellationToken));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or InvalidDataException)
            {
                Console.Error.WriteLine($"bench vectors: {e.Message}");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            Write(result, loadBefore, loadAfter);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("vectors", loadBefore, loadAfter, VectorsBench.ToJson(result)));
            }

            return 0;
        }, cancellationToken));
        return command;
    }

    private static void Write(VectorsBench.Result result, string? loadBefore, string? loadAfter)
    {
        var table = new Table()
            .Title(Markup.Escape(string.Create(Invariant, $"{result.Dataset}: {result.Count:N0} vectors of {result.Dimension}, {result.Queries} queries, k = 10")))
            .AddColumns("engine", "index", "parameters")
            .AddColumn(new TableColumn("threads").RightAligned())
            .AddColumn(new TableColumn("recall@10").RightAligned())
            .AddColumn(new TableColumn("queries/s").RightAligned())
            .AddColumn(new TableColumn("build s").RightAligned())
            .AddColumn(new TableColumn("bytes/vector").RightAligned());
        foreach (var r in result.Results.OrderBy(r => r.Index, StringComparer.Ordinal).ThenBy(r => r.Engine, StringComparer.Ordinal))
        {
            table.AddRow(
                r.Engine, r.Index, Markup.Escape(VectorsBench.Describe(r.Params)), r.Threads.ToString(Invariant), r.RecallAt10.ToString("F3", Invariant),
                r.Qps.ToString("N0", Invariant), r.BuildSeconds.ToString("F2", Invariant), r.BytesPerVector.ToString("N0", Invariant));
        }

        table.Caption(Markup.Escape($"load average before / after: {loadBefore ?? "-"} / {loadAfter ?? "-"}"));
        AnsiConsole.Write(table);
    }
}
