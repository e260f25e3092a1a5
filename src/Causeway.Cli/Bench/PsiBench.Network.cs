using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Bench;

internal static partial class PsiBench
{
    // Every party's table: its IDs and one numeric column, since a vertical table needs a feature; no label.
    private const string TableSchema = """
        {
          "format": {"delimiter": ",", "header": true},
          "columns": [ {"name": "id", "type": "id"}, {"name": "x", "type": "numeric"} ]
        }
        """;

    /// <summary>What a PSI over the network adds to the report.</summary>
    /// <param name="WallSeconds">From starting the processes to the job's end: process start, table loading, the PSI and the polling.</param>
    /// <param name="RelayedBytes">Batch bytes the coordinator relayed between the parties (<c>result.alignment.relayedBytes</c>).</param>
    /// <param name="Processes">Each process's CPU seconds over its whole life and its peak resident memory, read just before it was stopped.</param>
    public sealed record NetworkRun(double WallSeconds, long RelayedBytes, IReadOnlyList<LocalFederation.ProcessUsage> Processes)
    {
        public void AddTo(JsonObject report)
        {
            ArgumentNullException.ThrowIfNull(report);
            report["wall_seconds_with_process_start"] = WallSeconds;
            report["relayed_bytes"] = RelayedBytes;
            report["processes"] = new JsonArray([.. Processes.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p.Name,
                ["cpu_seconds_whole_life"] = p.CpuSeconds,
                ["peak_rss_bytes"] = p.PeakResidentBytes,
            })]);
        }
    }

    /// <summary>
    /// Writes the guest's and the host's ID tables to a temporary directory, starts a coordinator and the two party
    /// processes on loopback, runs a PSI-only vertical job (reveal to all) and reads its result from the control API.
    /// </summary>
    /// <exception cref="InvalidOperationException">A process stopped, or the job failed (the message says why).</exception>
    /// <exception cref="TimeoutException">The processes did not start within a minute.</exception>
    public static async Task<Result> RunOverNetworkAsync(Settings settings, ProgressContext progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(progress);
        var before = MeasureEcMul(progress, "raw EC_POINT_mul, one core (before)");
        var work = Directory.CreateTempSubdirectory("causeway-psi-bench-");
        JsonNode job;
        NetworkRun network;
        double cpuSeconds;
        try
        {
            var writing = progress.AddTask(Markup.Escape($"writing 2 tables of {settings.Ids:N0} IDs"), maxValue: 2);
            var schema = Path.Combine(work.FullName, "ids.schema.json");
            File.WriteAllText(schema, TableSchema);
            var parties = new List<LocalFederation.Party>();
            foreach (var (party, guest) in new[] { ("guest", true), ("host", false) })
            {
                var table = Path.Combine(work.FullName, $"{party}.csv");
                WriteTable(table, Ids(settings, guest));
                parties.Add(new LocalFederation.Party(party, ["--vertical-data", table, "--vertical-schema", schema]));
                writing.Increment(1);
            }

            var wall = Stopwatch.StartNew();
            var starting = progress.AddTask("starting 1 coordinator + 2 party processes (loading the tables)", maxValue: 1);
            using var federation = await LocalFederation.StartAsync(work.FullName, "bench-psi", parties, cancellationToken);
            starting.Value = 1;
            var cpuStart = federation.Usage().Sum(p => p.CpuSeconds);
            job = await federation.RunVerticalJobAsync(JobJson(settings), VerticalJobView.ProgressBars(progress), cancellationToken);
            var usage = federation.Usage();
            cpuSeconds = usage.Sum(p => p.CpuSeconds) - cpuStart;
            if (job["state"]?.GetValue<string>() != "completed")
            {
                throw new InvalidOperationException($"The PSI job {job["id"]} ended {job["state"]}: {job["error"]}. Logs: {work.FullName} (kept).");
            }

            network = new NetworkRun(wall.Elapsed.TotalSeconds, job["result"]!["alignment"]!["relayedBytes"]!.GetValue<long>(), usage);
        }
        catch
        {
            // Keep the logs of a failed run; the tables are the bulk.
            foreach (var table in work.EnumerateFiles("*.csv"))
            {
                table.Delete();
            }

            throw;
        }

        work.Delete(recursive: true);
        var alignment = job["result"]!["alignment"]!;
        var after = MeasureEcMul(progress, "raw EC_POINT_mul, one core (after)");
        return new Result(
            settings,
            "http2",
            alignment["intersection"]!.GetValue<long>(),
            alignment["seconds"]!.GetValue<double>(),
            cpuSeconds,
            before,
            after,
            Environment.ProcessorCount,
            network);
    }

    private static string JobJson(Settings settings) => new JsonObject
    {
        ["name"] = "bench-psi",
        ["guest"] = "guest",
        ["hosts"] = new JsonArray("host"),
        ["psi"] = new JsonObject { ["mode"] = "reveal-to-all", ["batchSize"] = settings.BatchSize },
    }.ToJsonString();

    private static void WriteTable(string path, IEnumerable<string> ids)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("id,x");
        var row = 0;
        foreach (var id in ids)
        {
            writer.Write(id);
            writer.Write(',');
            writer.WriteLine((row++ % 10).ToString(CultureInfo.InvariantCulture));
        }
    }
}
