using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Output;
using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway predict</c>: local inference at a party with an exported model file.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<FileInfo>("--model") { Description = "The model file (.cw) exported by a run.", Required = true, HelpName = "FILE" };
        var data = new Option<FileInfo>("--data") { Description = "The table to score, in the format of the model's schema; its header may leave out the label column.", Required = true, HelpName = "FILE" };
        var output = new Option<FileInfo?>("--out") { Description = "Write one prediction per row to this CSV file (default: standard output).", HelpName = "FILE" };
        var report = CliOptions.Report();
        var command = new Command("predict", "Score a table locally with an exported model; prints metrics when the table has labels.")
        {
            model, data, output, report,
        };
        command.SetAction(parse =>
        {
            var modelFile = CliFiles.Existing(parse.GetValue(model)!, "--model", CliFiles.ModelHint);
            var dataFile = CliFiles.Existing(parse.GetValue(data)!, "--data");

            var trained = TrainedModel.Load(modelFile.FullName);
            var table = TableReader.Read(dataFile.FullName, trained.Schema, LabelPresence.Optional);
            var encoded = trained.Encode(table);
            var network = new DenseNetwork(trained.Spec);
            var outputs = new float[encoded.Rows * trained.Spec.Outputs];
            network.Predict(trained.Parameters, encoded.Features, encoded.Rows, outputs);

            using (var writer = parse.GetValue(output) is { } file ? new StreamWriter(file.FullName) : new StreamWriter(Console.OpenStandardOutput()))
            {
                PredictionWriter.Write(writer, trained.Spec, outputs, encoded.Rows);
            }

            // Without labels there is nothing to score against: predictions only.
            var evaluation = table.HasLabels ? ModelEvaluator.Evaluate(network, trained.Parameters, encoded) : null;
            if (parse.GetValue(output) is not null)
            {
                if (evaluation is not null)
                {
                    var summary = new Table().AddColumns("rows", "loss", "accuracy");
                    summary.AddRow(
                        encoded.Rows.ToString(CultureInfo.InvariantCulture),
                        evaluation.Loss.ToString("F4", CultureInfo.InvariantCulture),
                        evaluation.Accuracy?.ToString("P2", CultureInfo.InvariantCulture) ?? "-");
                    AnsiConsole.Write(summary);
                }
                else
                {
                    AnsiConsole.WriteLine(string.Create(
                        CultureInfo.InvariantCulture, $"{encoded.Rows} rows predicted; the table has no '{trained.Schema.Label.Name}' column, so no metrics."));
                }
            }

            if (parse.GetValue(report) is { } reportFile)
            {
                var json = new JsonObject { ["rows"] = encoded.Rows };
                if (evaluation is not null)
                {
                    json["final"] = EvaluationJson.From(evaluation);
                }

                ReportFile.Write(reportFile.FullName, json);
            }

            return 0;
        });
        return command;
    }
}
