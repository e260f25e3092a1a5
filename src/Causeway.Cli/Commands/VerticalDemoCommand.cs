using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Federation.Vertical.Training;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway vertical demo</c>: the churn vertical job (samples/configs/churn-vertical-job.json) over a local
/// federation of real processes: a coordinator, the three churn parties and an auditor arbiter, HTTP/2 + TLS on loopback.
/// </summary>
internal static class VerticalDemoCommand
{
    public static Command Create()
    {
        var config = new Option<FileInfo?>("--config")
        {
            Description = "The vertical job to run (default: samples/configs/churn-vertical-job.json); its guest and hosts must be bundled churn parties (telecom, payments, usage).",
            HelpName = "FILE",
        };
        var quick = new Option<bool>("--quick") { Description = "Train without encryption (same as --encryption none): about 20 seconds in all on 2 cores." };
        var encryption = new Option<string?>("--encryption") { Description = "Override training.encryption: none, arbiter (adds the 'auditor' arbiter) or two-party (needs one host).", HelpName = "MODE" };
        encryption.AcceptOnlyFromAmong("none", "arbiter", "two-party");
        var epochs = new Option<int?>("--epochs") { Description = "Override training.epochs." };
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = "Where the demo writes certificates and process logs: a new or empty folder, or one an earlier demo made "
                + $"(marked by {WorkFolder.MarkerFile}; emptied first). Default: a new folder under .causeway/vertical-demo/ for every run.",
            HelpName = "DIR",
        };
        var report = CliOptions.Report();
        var command = new Command(
            "demo",
            "Run the churn vertical job on a local federation: a coordinator and one process per party (telecom holds the labels; payments and usage hold "
            + "features; auditor holds the Paillier key) over HTTP/2 + TLS. PSI finds the 5,503 customers all three hold (of ~6,500 each), then logistic regression trains "
            + "on the intersection and scores its held-out 30%. The job as written trains 20 epochs under the auditor's 2048-bit Paillier key: about 2 minutes "
            + "per epoch on 2 cores, some 45 minutes in all (--epochs 1 shows the encrypted protocol in under 3 minutes). --quick trains the same model "
            + "without encryption in about 20 seconds (the encrypted model equals it up to fixed-point rounding).")
        {
            config, quick, encryption, epochs, workDirectory, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(quick) && parse.GetValue(encryption) is { } mode && mode != "none")
            {
                Console.Error.WriteLine($"vertical demo: --quick trains without encryption; it contradicts --encryption {mode}.");
                return 2;
            }

            if (parse.GetValue(epochs) is < 1)
            {
                Console.Error.WriteLine("vertical demo: --epochs must be at least 1.");
                return 2;
            }

            string samples;
            VerticalDemo.Job job;
            IReadOnlyList<LocalFederation.Party> parties;
            try
            {
                samples = DemoDatasets.LocateSamples();
                var path = parse.GetValue(config)?.FullName ?? VerticalDemo.DefaultConfigPath(samples);
                job = VerticalDemo.LoadJob(path, parse.GetValue(quick) ? "none" : parse.GetValue(encryption), parse.GetValue(epochs));
                parties = VerticalDemo.Parties(job.Config, samples);
            }
            catch (Exception e) when (e is VerticalConfigException or IOException)
            {
                Console.Error.WriteLine($"vertical demo: {e.Message}");
                return 2;
            }

            using var workFolder = parse.GetValue(workDirectory) is { } named
                ? WorkFolder.Claim(named.FullName, "--work-dir", "causeway vertical demo")
                : WorkFolder.CreateUnique(Path.Combine(".causeway", "vertical-demo"), "causeway vertical demo", TimeProvider.System);
            var work = workFolder.Path;
            var training = job.Config.Training;
            AnsiConsole.MarkupLine(Markup.Escape(training is null
                ? $"{job.Config.Name}: PSI only"
                : $"{job.Config.Name}: PSI, then {training.Loss} for {training.Epochs} epochs, encryption {training.Encryption}{(VerticalDemo.IsEncrypted(job.Config) ? " (Paillier: minutes per epoch; --quick trains without it)" : string.Empty)}"));
            var clock = Stopwatch.StartNew();
            JsonNode status;
            try
            {
                status = null!;
                await BenchProgress.StartAsync(async progress => status = await VerticalDemo.RunAsync(job, parties, work, progress, cancellationToken));
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                // The message names the process that failed and the tail of its log.
                Console.Error.WriteLine($"vertical demo: {e.Message}");
                return 1;
            }

            if (status["state"]?.GetValue<string>() != "completed")
            {
                Console.Error.WriteLine($"vertical demo: the job {status["id"]} ended {status["state"]}: {status["error"]} (logs in {work})");
                return 1;
            }

            AnsiConsole.Write(VerticalJobView.ResultTable(status["result"]!));
            AnsiConsole.MarkupLine(Markup.Escape($"{clock.Elapsed.TotalSeconds:F0} s with process start; certificates and logs are in {work}"));
            if (parse.GetValue(report) is { } file)
            {
                var json = status.DeepClone().AsObject();
                json["job"] = JsonNode.Parse(job.Json);
                json["wall_seconds"] = clock.Elapsed.TotalSeconds;
                ReportFile.Write(file.FullName, json);
            }

            return 0;
        });
        return command;
    }
}
