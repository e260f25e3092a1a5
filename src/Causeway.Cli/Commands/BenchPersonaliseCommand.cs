using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench personalise</c>: per-site accuracy of the global model, each site alone, fine-tuning and Ditto on the four heart-disease hospitals.</summary>
internal static class BenchPersonaliseCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new PersonaliseBench.Settings();
        var rounds = new Option<int>("--rounds") { Description = "FedAvg rounds, one local epoch each; a site alone trains as many epochs.", DefaultValueFactory = _ => defaults.Rounds };
        var epochs = new Option<int>("--personal-epochs") { Description = "Epochs of fine-tuning and of Ditto's personal model, from the global model.", DefaultValueFactory = _ => defaults.PersonalEpochs };
        var lambda = new Option<float>("--ditto-lambda") { Description = "Ditto's λ: how strongly the personal model is pulled to the global one.", DefaultValueFactory = _ => defaults.DittoLambda };
        var hidden = new Option<int[]>("--hidden") { Description = "Hidden layer widths (repeat; none for logistic regression).", DefaultValueFactory = _ => [.. defaults.Hidden], AllowMultipleArgumentsPerToken = true };
        var repeats = new Option<int>("--repeats") { Description = "Seeds (held-out split and training) to average every figure over: the held-out sets are small.", DefaultValueFactory = _ => defaults.Repeats };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command(
            "personalise",
            "Personalisation on the four hospitals of UCI Heart Disease: each hospital's held-out accuracy under the global FedAvg model, its own model alone, the global model fine-tuned locally, and Ditto.")
        {
            rounds, epochs, lambda, hidden, repeats, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                Rounds = parse.GetValue(rounds), PersonalEpochs = parse.GetValue(epochs), DittoLambda = parse.GetValue(lambda),
                Hidden = parse.GetValue(hidden) ?? [], Repeats = parse.GetValue(repeats), Seed = parse.GetValue(seed),
            };
            if (settings.Rounds < 1 || settings.PersonalEpochs < 1 || settings.Repeats < 1 || !(settings.DittoLambda >= 0) || settings.Hidden.Any(h => h < 1))
            {
                Console.Error.WriteLine("bench personalise: --rounds, --personal-epochs and --repeats must be at least 1, --ditto-lambda at least 0, and every --hidden width at least 1.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            var sites = await PersonaliseBench.RunAsync(settings, cancellationToken);
            var loadAfter = LoadAverage.Read();
            var table = new Table()
                .Title(Markup.Escape($"UCI Heart Disease, 4 hospitals: held-out accuracy per hospital, mean of {settings.Repeats} seeds ({settings.Rounds} FedAvg rounds; {settings.PersonalEpochs} personal epochs; Ditto λ {settings.DittoLambda})"))
                .AddColumns("hospital", "train / held-out rows", "disease share", "global model", "alone", "fine-tuned", "Ditto", "‖v − w‖ fine-tuned / Ditto", "best personal − global");
            foreach (var site in sites)
            {
                table.AddRow(
                    site.Name, string.Create(Invariant, $"{site.TrainRows} / {site.EvaluationRows}"), site.PositiveShare.ToString("P0", Invariant),
                    Percent(site.Global), Percent(site.Alone), Percent(site.FineTuned), Percent(site.Ditto),
                    string.Create(Invariant, $"{site.FineTunedDrift:F3} / {site.DittoDrift:F3}"),
                    string.Create(Invariant, $"{100 * (Math.Max(site.FineTuned, site.Ditto) - site.Global):+0.0;-0.0} points"));
            }

            double Mean(Func<PersonaliseBench.Site, double> metric) => sites.Average(metric);
            double Worst(Func<PersonaliseBench.Site, double> metric) => sites.Min(metric);
            table.AddRow("mean", string.Empty, string.Empty, Percent(Mean(s => s.Global)), Percent(Mean(s => s.Alone)), Percent(Mean(s => s.FineTuned)), Percent(Mean(s => s.Ditto)), string.Empty, string.Empty);
            table.AddRow("worst hospital", string.Empty, string.Empty, Percent(Worst(s => s.Global)), Percent(Worst(s => s.Alone)), Percent(Worst(s => s.FineTuned)), Percent(Worst(s => s.Ditto)), string.Empty, string.Empty);
            AnsiConsole.Write(table);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("personalise", loadBefore, loadAfter, new JsonObject
                {
                    ["repeats"] = settings.Repeats, ["rounds"] = settings.Rounds, ["personal_epochs"] = settings.PersonalEpochs, ["ditto_lambda"] = settings.DittoLambda,
                    ["hidden"] = new JsonArray([.. settings.Hidden.Select(h => (JsonNode)h)]),
                    ["sites"] = new JsonArray([.. sites.Select(s => (JsonNode)s.ToJson())]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static string Percent(double value) => value.ToString("P1", Invariant);
}
