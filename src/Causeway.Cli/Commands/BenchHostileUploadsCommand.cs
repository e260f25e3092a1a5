using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench hostile-uploads</c>: a coordinator's memory after concurrent garbage pushes, and after a pause.</summary>
internal static class BenchHostileUploadsCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new HostileUploadsBench.Settings { WorkDirectory = Path.Combine(".causeway", "bench-hostile-uploads") };
        var uploads = new Option<int>("--uploads") { Description = "Concurrent garbage uploads per shape.", DefaultValueFactory = _ => defaults.Uploads };
        var mib = new Option<int>("--mib") { Description = "Size of each upload in MiB (the coordinator accepts up to 256).", DefaultValueFactory = _ => defaults.Mib };
        var bursts = new Option<int>("--bursts") { Description = "How many times the uploads are sent to the same coordinator, one burst after the other.", DefaultValueFactory = _ => defaults.Bursts };
        var pause = new Option<double>("--pause-seconds") { Description = "Seconds without traffic before the last memory reading.", DefaultValueFactory = _ => defaults.PauseSeconds };
        var shapes = new Option<string[]>("--shape")
        {
            Description = $"Body shapes to send, each against a fresh coordinator: {string.Join(", ", HostileUploadsBench.AllShapes)}.",
            DefaultValueFactory = _ => [.. defaults.Shapes],
            AllowMultipleArgumentsPerToken = true,
        };
        var workDirectory = new Option<DirectoryInfo>("--work-dir")
        {
            Description = "Where each coordinator gets a fresh sub-folder (certificates, database, log), removed afterwards.",
            DefaultValueFactory = _ => new DirectoryInfo(defaults.WorkDirectory),
            HelpName = "DIR",
        };
        var report = CliOptions.Report();
        var command = new Command("hostile-uploads", "A coordinator process's resident memory before and after N concurrent garbage PushResult uploads, and after a pause (/proc).")
        {
            uploads, mib, bursts, pause, shapes, workDirectory, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                Uploads = parse.GetValue(uploads),
                Mib = parse.GetValue(mib),
                Bursts = parse.GetValue(bursts),
                PauseSeconds = parse.GetValue(pause),
                Shapes = parse.GetValue(shapes)!,
                WorkDirectory = parse.GetValue(workDirectory)!.FullName,
            };
            if (settings.Uploads is < 1 or > 64 || settings.Mib is < 1 or > 1024 || settings.Bursts is < 1 or > 20 || settings.PauseSeconds is < 0 or > 600
                || settings.Shapes.Count == 0 || settings.Shapes.Any(s => !HostileUploadsBench.AllShapes.Contains(s)))
            {
                Console.Error.WriteLine($"bench hostile-uploads: --uploads 1-64, --mib 1-1024, --bursts 1-20, --pause-seconds 0-600, --shape one of {string.Join(", ", HostileUploadsBench.AllShapes)}.");
                return 2;
            }

            if (!File.Exists("/proc/self/status"))
            {
                Console.Error.WriteLine("bench hostile-uploads: needs Linux's /proc to read the coordinator's memory.");
                return 1;
            }

            var loadBefore = LoadAverage.Read();
            var results = new List<HostileUploadsBench.Result>();
            try
            {
                foreach (var shape in settings.Shapes)
                {
                    AnsiConsole.MarkupLine(Markup.Escape($"{settings.Uploads} x {settings.Mib} MiB '{shape}' uploads..."));
                    results.Add(await HostileUploadsBench.RunAsync(settings, shape, cancellationToken));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                Console.Error.WriteLine($"bench hostile-uploads: {e.Message}");
                return 1;
            }

            var loadAfter = LoadAverage.Read();
            var table = new Table()
                .Title($"Coordinator RSS (MB): {settings.Bursts} x {settings.Uploads} concurrent {settings.Mib} MiB uploads, then {settings.PauseSeconds:F0} s without traffic")
                .AddColumns("shape", "answers", "before", "after each burst", "after pause", "peak", "seconds");
            foreach (var r in results)
            {
                table.AddRow(
                    r.Shape,
                    string.Join(' ', r.Statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()}x{g.Key}")),
                    (r.RssBefore / 1e6).ToString("F0", Invariant),
                    string.Join(" / ", r.RssAfterBursts.Select(b => (b / 1e6).ToString("F0", Invariant))),
                    (r.RssAfterPause / 1e6).ToString("F0", Invariant),
                    (r.PeakRss / 1e6).ToString("F0", Invariant),
                    r.Seconds.ToString("F1", Invariant));
            }

            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine(Markup.Escape($"load average before / after: {loadBefore ?? "-"} / {loadAfter ?? "-"}"));
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("hostile-uploads", loadBefore, loadAfter, new JsonObject
                {
                    ["uploads"] = settings.Uploads,
                    ["mib"] = settings.Mib,
                    ["bursts"] = settings.Bursts,
                    ["pause_seconds"] = settings.PauseSeconds,
                    ["results"] = new JsonArray([.. results.Select(r => (JsonNode)r.ToJson())]),
                }));
            }

            return 0;
        });
        return command;
    }
}
