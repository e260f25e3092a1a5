using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Protocol.Security;
using Causeway.Core.Data;
using Causeway.Federation.Vertical.Network;
using Causeway.Federation.Vertical.Training;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway vertical simulate</c>: a table split by columns among parties, trained vertically and centrally in one process;
/// <c>causeway vertical run</c>: a vertical job over a coordinator's connected parties.
/// </summary>
internal static class VerticalCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var command = new Command("vertical", "Vertical federated learning: parties hold different columns of the same rows.");
        command.Subcommands.Add(Simulate());
        command.Subcommands.Add(Run());
        command.Subcommands.Add(VerticalDemoCommand.Create());
        return command;
    }

    private static Command Run()
    {
        var coordinator = CliOptions.CoordinatorAddress("--coordinator", "The coordinator's address.", new Uri("https://127.0.0.1:7443"));
        var authority = new Option<FileInfo?>("--ca") { Description = "The federation CA certificate (PEM) to trust.", DefaultValueFactory = _ => new FileInfo(Path.Combine("certs", DevCertificates.CaCertificateFile)), HelpName = "FILE" };
        var adminToken = new Option<string?>("--admin-token") { Description = "The control API's bearer token (or CAUSEWAY_ADMIN_TOKEN)." };
        var config = new Option<FileInfo>("--config") { Description = "The vertical job (JSON, see samples/configs/churn-vertical-job.json).", Required = true, HelpName = "FILE" };
        var report = CliOptions.Report();
        var command = new Command("run", "Run a vertical job on a coordinator's connected parties: PSI on their IDs, then vertical training and scoring of the held-out rows.")
        {
            coordinator, authority, adminToken, config, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(config)!.FullName;
            // A bad job file is refused here, before any connection (FailureReport names the file and the field).
            var json = File.ReadAllText(path);
            VerticalJobConfig.Parse(json, path);

            using var api = RunCommand.Connect(parse, coordinator, authority, adminToken);
            var id = await api.StartVerticalJobAsync(json, cancellationToken);
            Console.WriteLine($"vertical job {id} started");
            var job = await AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(progress => api.WaitForVerticalJobAsync(id, TimeSpan.FromMilliseconds(500), VerticalJobView.ProgressBars(progress), cancellationToken));
            if (job["state"]?.GetValue<string>() != "completed")
            {
                Console.Error.WriteLine($"vertical job {id} failed: {job["error"]}");
                return 1;
            }

            AnsiConsole.Write(VerticalJobView.ResultTable(job["result"]!));
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, job.DeepClone().AsObject());
            }

            return 0;
        });
        return command;
    }

    private static Command Simulate()
    {
        var config = new Option<FileInfo>("--config") { Description = "The vertical simulation config (JSON, see samples/configs/*-vertical.json).", Required = true, HelpName = "FILE" };
        var report = CliOptions.Report();
        var exportOnnx = new Option<DirectoryInfo?>("--export-onnx")
        {
            Description = "Split networks only: write each party's bottom model (its raw columns in, its embedding out) as DIR/bottom-PARTY.onnx and the guest's top model (embeddings in, probabilities out) as DIR/top.onnx.",
            HelpName = "DIR",
        };
        var command = new Command("simulate", "Split a table by columns among 2-8 parties, train the vertical model and the centralized one, and compare test accuracy and AUC.")
        {
            config, report, exportOnnx,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var path = parse.GetValue(config)!.FullName;
            // A bad config or data file ends the command through FailureReport ("vertical simulate: FILE: ...", exit 2).
            var loaded = VerticalSimulationConfig.Load(path);
            var result = AnsiConsole.Status().Start($"{loaded.Name}: {loaded.Model.Type} over {loaded.Parties.Count} parties", status =>
                VerticalSimulation.Run(loaded, progress: new Progress<string>(line => status.Status(Markup.Escape(line))), cancellationToken: cancellationToken));

            Console.WriteLine($"{result.Name}: {result.TrainRows:N0} training rows, {result.TestRows:N0} test rows; parties {string.Join(", ", result.Parties.Select((p, i) => $"{p} ({result.FeaturesPerParty[i]} features{(i == 0 ? ", guest" : string.Empty)})"))}");
            var table = new Table().AddColumns("model", "train rows", "accuracy", "AUC", "Δ accuracy", "Δ AUC", "seconds");
            var centralized = result.Scores[0];
            foreach (var score in result.Scores)
            {
                table.AddRow(
                    Markup.Escape(score.Model),
                    score.TrainRows.ToString("N0", Invariant),
                    score.Accuracy.ToString("F4", Invariant),
                    score.Auc.ToString("F4", Invariant),
                    Points(score.Accuracy - centralized.Accuracy),
                    Points(score.Auc - centralized.Auc),
                    score.Seconds.ToString("F1", Invariant));
            }

            AnsiConsole.Write(table);
            if (parse.GetValue(exportOnnx) is { } directory)
            {
                if (result.SplitNetwork is not { } trained)
                {
                    Console.Error.WriteLine("vertical simulate: --export-onnx writes a split network's parts; this config trains a linear model (model.type split-nn has parts).");
                    return Task.FromResult(2);
                }

                foreach (var written in WriteSplitParts(trained, directory.FullName))
                {
                    Console.WriteLine($"wrote {written}");
                }
            }

            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, new JsonObject
                {
                    ["name"] = result.Name,
                    ["train_rows"] = result.TrainRows,
                    ["test_rows"] = result.TestRows,
                    ["parties"] = new JsonArray([.. result.Parties.Select((p, i) => (JsonNode)new JsonObject { ["name"] = p, ["features"] = result.FeaturesPerParty[i] })]),
                    ["scores"] = new JsonArray([.. result.Scores.Select(s => (JsonNode)new JsonObject
                    {
                        ["model"] = s.Model,
                        ["train_rows"] = s.TrainRows,
                        ["accuracy"] = s.Accuracy,
                        ["auc"] = s.Auc,
                        ["seconds"] = s.Seconds,
                    })]),
                });
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static string Points(double difference) => (difference * 100).ToString("+0.00;-0.00;0.00", Invariant) + " pt";

    // Each party's bottom model and the top model as ONNX files; returns their paths.
    private static List<string> WriteSplitParts(TrainedSplitNetwork trained, string directory)
    {
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        var bottoms = trained.Model.Bottoms;
        for (var p = 0; p < trained.Parties.Count; p++)
        {
            var party = trained.Parties[p];
            var columns = trained.Columns.Where(c => c.Value == party).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
            var path = Path.Combine(directory, $"bottom-{party}.onnx");
            using (var stream = File.Create(path))
            {
                Onnx.OnnxExport.WriteSplitBottom(trained.Schema, trained.Statistics, columns, bottoms[p], stream);
            }

            paths.Add(path);
        }

        var top = Path.Combine(directory, "top.onnx");
        using (var stream = File.Create(top))
        {
            Onnx.OnnxExport.WriteSplitTop(trained.Parties, bottoms[0][^1].Outputs, trained.Model.Top, stream);
        }

        paths.Add(top);
        return paths;
    }
}
