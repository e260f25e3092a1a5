using System.CommandLine;
using System.Globalization;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench vectors-federated</c>: recall and latency of a federated vector query against one index over the union.</summary>
internal static class BenchVectorsFederatedCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new FederatedVectorsBench.Settings { WorkDirectory = Path.Combine(".causeway", "bench-vectors-federated") };
        var parties = new Option<int>("--parties") { Description = "Party processes, each holding its share of the base.", DefaultValueFactory = _ => defaults.Parties };
        var repeats = new Option<int>("--repeats") { Description = "Times each query is asked, for the latency figures.", DefaultValueFactory = _ => defaults.Repeats };
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = $"Where the bench writes certificates, stores, logs and the database: a new or empty folder, or one an earlier bench made (marked by {WorkFolder.MarkerFile}). Default: a new folder under {defaults.WorkDirectory}/.",
            HelpName = "DIR",
        };
        var report = CliOptions.Report();
        var command = new Command("vectors-federated", "Federated vector search on loopback: the fashion-mnist-ann base dealt to N party processes (HNSW each), recall@10 and p50/p99 query latency against one HNSW index over the union.")
        {
            parties, repeats, workDirectory, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with { Parties = parse.GetValue(parties), Repeats = parse.GetValue(repeats) };
            if (settings.Parties is < 1 or > 16 || settings.Repeats < 1)
            {
                Console.Error.WriteLine("bench vectors-federated: --parties must be 1 to 16 and --repeats at least 1.");
                return 2;
            }

            using var work = parse.GetValue(workDirectory) is { } named
                ? WorkFolder.Claim(named.FullName, "--work-dir", "causeway bench vectors-federated")
                : WorkFolder.CreateUnique(defaults.WorkDirectory, "causeway bench vectors-federated", TimeProvider.System);
            settings = settings with { WorkDirectory = work.Path };
            var loadBefore = LoadAverage.Read();
            FederatedVectorsBench.Result result = null!;
            try
            {
                await BenchProgress.StartAsync(async progress => result = await FederatedVectorsBench.RunAsync(settings, progress, cancellationToken));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                Console.Error.WriteLine($"bench vectors-federated: {e.Message}");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            var table = new Table()
                .Title(Markup.Escape(string.Create(Invariant, $"Federated vector search: {result.Records:N0} fashion-mnist vectors over {settings.Parties} parties, {result.Queries} queries x {settings.Repeats}, k = 10")))
                .AddColumns("measure", "value");
            table.AddRow("recall@10, federated (merged over the parties)", result.FederatedRecall.ToString("F3", Invariant));
            table.AddRow("recall@10, one index over the union", result.UnionRecall.ToString("F3", Invariant));
            table.AddRow("federated query latency p50 / p99 (control API round trip)", string.Create(Invariant, $"{result.P50:F1} / {result.P99:F1} ms"));
            table.AddRow("union index search, median (in process)", string.Create(Invariant, $"{result.UnionMedianMilliseconds:F2} ms"));
            foreach (var usage in result.Usage)
            {
                table.AddRow(Markup.Escape($"{usage.Name}: CPU / peak RSS"), string.Create(Invariant, $"{usage.CpuSeconds:F1} s / {usage.PeakResidentBytes / 1e6:F0} MB"));
            }

            table.AddRow("load average before / after", Markup.Escape($"{loadBefore ?? "-"} / {loadAfter ?? "-"}"));
            AnsiConsole.Write(table);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("vectors-federated", loadBefore, loadAfter, result.ToJson()));
            }

            return 0;
        });
        return command;
    }
}
