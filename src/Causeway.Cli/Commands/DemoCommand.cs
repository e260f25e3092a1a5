using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Federation.Configuration;
using Causeway.Federation.Reporting;
using Causeway.Protocol.Security;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway demo</c>: a whole federation on this machine. One coordinator process and one process per party
/// talk HTTP/2 over TLS on loopback; the demo starts a FedAvg run through the control API, shows each round,
/// and compares the federated model with a centralized model trained on the pooled data.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "adult: UCI Adult split across 3 parties; heart: the 4 hospitals of UCI Heart Disease.", DefaultValueFactory = _ => "adult" };
        dataset.AcceptOnlyFromAmong([.. DemoDatasets.Names]);
        var rounds = new Option<int?>("--rounds") { Description = "Federated rounds (default: 10 for adult; 30 for heart, whose small hospitals need more rounds of one local epoch)." };
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = "Where the demo writes certificates, party files, logs and the database: a new or empty folder, or one an earlier demo made "
                + $"(marked by {WorkFolder.MarkerFile}; emptied first). Default: a new folder under .causeway/demo/ for every run.",
            HelpName = "DIR",
        };
        var personalise = new Option<string?>("--personalise")
        {
            Description = "fedper: train an MLP, then train it again with each party keeping its own output layer (FedPer), and show every party's own held-out accuracy under both.",
            HelpName = "METHOD",
        };
        personalise.AcceptOnlyFromAmong("fedper");
        var data = new Option<FileInfo?>("--data") { Description = "Your own CSV file instead of a bundled dataset: a fifth held out, the rest dealt to --parties party processes.", HelpName = "FILE" };
        var schema = new Option<FileInfo?>("--schema") { Description = "The schema of --data (draft one with `causeway schema infer`).", HelpName = "FILE" };
        var parties = new Option<int>("--parties") { Description = "With --data: how many party processes to deal it to.", DefaultValueFactory = _ => 3 };
        var dashboard = new Option<bool>("--dashboard") { Description = "Keep the federation up after a completed run, for its dashboard (the address is printed), until Ctrl+C." };
        var report = CliOptions.Report();
        var seed = CliOptions.Seed();
        var command = new Command("demo", "Run a local federation: a coordinator and party processes over HTTP/2 + TLS, federated vs centralized.")
        {
            dataset, data, schema, parties, rounds, workDirectory, personalise, dashboard, report, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var name = parse.GetValue(dataset)!;
            var roundCount = parse.GetValue(rounds) ?? (name == "heart" ? 30 : 10);
            if (roundCount < 1)
            {
                Console.Error.WriteLine("demo: --rounds must be at least 1.");
                return 2;
            }

            (string, string, int)? csv = null;
            if (parse.GetValue(data) is { } dataFile)
            {
                var schemaFile = parse.GetValue(schema)
                    ?? throw new CliException("--data needs --schema", $"draft one with: causeway schema infer {dataFile.Name} --out schema.json", exitCode: 2);
                CliFiles.Existing(dataFile, "--data", exitCode: 2);
                CliFiles.Existing(schemaFile, "--schema", exitCode: 2);

                if (parse.GetValue(parties) is < 1 or > 20)
                {
                    throw new CliException($"--parties must be 1 to 20 on one machine, got {parse.GetValue(parties)}", null, exitCode: 2);
                }

                csv = (dataFile.FullName, schemaFile.FullName, parse.GetValue(parties));
            }

            using var work = parse.GetValue(workDirectory) is { } named
                ? WorkFolder.Claim(named.FullName, "--work-dir", "causeway demo")
                : WorkFolder.CreateUnique(Path.Combine(".causeway", "demo"), "causeway demo", TimeProvider.System);
            var options = new DemoFederation.Options(name, roundCount, work.Path, parse.GetValue(seed), parse.GetValue(personalise), csv, parse.GetValue(dashboard));
            void Show(DemoFederation.Outcome outcome)
            {
                RunSummaryTable.Write(outcome.Report);
                if (outcome.Sites.Count > 0)
                {
                    WriteSites(outcome.Sites);
                }

                AnsiConsole.MarkupLine(Markup.Escape($"logs, certificates and the coordinator's database are in {options.WorkDirectory}; the global model is {outcome.ModelPath}"));
                if (parse.GetValue(report) is { } file)
                {
                    var json = JsonNode.Parse(outcome.Report.ToJson())!.AsObject();
                    if (outcome.Sites.Count > 0)
                    {
                        json["sites"] = new JsonArray([.. outcome.Sites.Select(s => (JsonNode)s.ToJson())]);
                    }

                    ReportFile.Write(file.FullName, json);
                }
            }

            try
            {
                await DemoFederation.RunAsync(options, Show, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                // The message names the process that failed and the tail of its log.
                Console.Error.WriteLine($"demo: {e.Message}");
                return 1;
            }

            return 0;
        });
        return command;
    }

    // Each party's own held-out accuracy: what FedPer changes for it.
    private static void WriteSites(IReadOnlyList<DemoFederation.SiteGain> sites)
    {
        var table = new Table()
            .Title("each party's own held-out rows, last round (per-party metrics from the coordinator)")
            .AddColumns("party", "held-out rows", "global model", "FedPer (own output layer)", "gain");
        foreach (var site in sites)
        {
            table.AddRow(
                site.Party, site.Examples.ToString(CultureInfo.InvariantCulture), site.Global.ToString("P1", CultureInfo.InvariantCulture),
                site.Personal.ToString("P1", CultureInfo.InvariantCulture),
                string.Create(CultureInfo.InvariantCulture, $"{Math.Round(100 * (site.Personal - site.Global), 1):+0.0;-0.0;0.0} points"));
        }

        AnsiConsole.Write(table);
    }
}
