using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench personalise</c>: per-site accuracy of the global model, each site alone, fine-tuning, FedPer and Ditto.</summary>
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
        var dataset = new Option<string>("--dataset") { Description = "heart: the four hospitals of UCI Heart Disease; adult: UCI Adult dealt to --parties with Dirichlet label skew.", DefaultValueFactory = _ => defaults.Dataset };
        dataset.AcceptOnlyFromAmong("heart", "adult");
        var parties = new Option<int>("--parties") { Description = "Adult only: the parties its training file is dealt to.", DefaultValueFactory = _ => defaults.AdultParties };
        var alpha = new Option<double>("--alpha") { Description = "Adult only: the Dirichlet concentration of each party's label mix (smaller: more skewed).", DefaultValueFactory = _ => defaults.AdultAlpha };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command(
            "personalise",
            "Personalisation for non-IID sites (the four hospitals of UCI Heart Disease, or UCI Adult with Dirichlet label skew): each site's held-out accuracy under the global FedAvg model, its own model alone, the global model fine-tuned locally, FedPer (a shared body under the site's own head) and Ditto.")
        {
            dataset, parties, alpha, rounds, epochs, lambda, hidden, repeats, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                Dataset = parse.GetValue(dataset)!, AdultParties = parse.GetValue(parties), AdultAlpha = parse.GetValue(alpha),
                Rounds = parse.GetValue(rounds), PersonalEpochs = parse.GetValue(epochs), DittoLambda = parse.GetValue(lambda),
                Hidden = parse.GetValue(hidden) ?? [], Repeats = parse.GetValue(repeats), Seed = parse.GetValue(seed),
            };
            if (settings.Rounds < 1 || settings.PersonalEpochs < 1 || settings.Repeats < 1 || !(settings.DittoLambda >= 0) || settings.Hidden.Any(h => h < 1)
                || settings.AdultParties is < 2 or > 1000 || !(settings.AdultAlpha > 0))
            {
                Console.Error.WriteLine("bench personalise: --rounds, --personal-epochs and --repeats must be at least 1, --ditto-lambda at least 0, every --hidden width at least 1, --parties 2 to 1000 and --alpha above 0.");
                return 2;
            }

            var loadBefore = LoadAverage.Read();
            IReadOnlyList<PersonaliseBench.Site> sites = [];
            await BenchProgress.StartAsync(async progress =>
            {
                var bar = progress.AddTask(Markup.Escape($"{settings.Dataset}: {settings.Repeats} seeds"), maxValue: settings.Repeats);
                sites = await PersonaliseBench.RunAsync(settings, new Progress<int>(done => bar.Value = done), cancellationToken);
                bar.Value = settings.Repeats;
            });
            var loadAfter = LoadAverage.Read();
            var what = settings.Dataset == "adult"
                ? string.Create(Invariant, $"UCI Adult, {settings.AdultParties} parties, Dirichlet α {settings.AdultAlpha}")
                : "UCI Heart Disease, 4 hospitals";
            var table = new Table()
                .Title(Markup.Escape($"{what}: held-out accuracy per site, mean of {settings.Repeats} seeds ({settings.Rounds} FedAvg rounds; {settings.PersonalEpochs} personal epochs; Ditto λ {settings.DittoLambda})"))
                .AddColumns("site", "train / held-out rows", "positive share", "global model", "alone", "fine-tuned", "FedPer", "Ditto", "best personal − global");
            foreach (var site in sites)
            {
                table.AddRow(
                    site.Name, string.Create(Invariant, $"{site.TrainRows} / {site.EvaluationRows}"), site.PositiveShare.ToString("P0", Invariant),
                    Percent(site.Global), Percent(site.Alone), Percent(site.FineTuned), Percent(site.FedPer), Percent(site.Ditto),
                    string.Create(Invariant, $"{Math.Round(100 * (site.BestPersonal - site.Global), 1):+0.0;-0.0;0.0} points"));
            }

            double Mean(Func<PersonaliseBench.Site, double> metric) => sites.Average(metric);
            double Worst(Func<PersonaliseBench.Site, double> metric) => sites.Min(metric);
            foreach (var (label, summary) in new (string, Func<Func<PersonaliseBench.Site, double>, double>)[] { ("mean", Mean), ("worst site", Worst) })
            {
                table.AddRow(
                    label, string.Empty, string.Empty, Percent(summary(s => s.Global)), Percent(summary(s => s.Alone)), Percent(summary(s => s.FineTuned)),
                    Percent(summary(s => s.FedPer)), Percent(summary(s => s.Ditto)), string.Empty);
            }

            AnsiConsole.Write(table);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("personalise", loadBefore, loadAfter, new JsonObject
                {
                    ["dataset"] = settings.Dataset,
                    ["parties"] = settings.Dataset == "adult" ? settings.AdultParties : null,
                    ["alpha"] = settings.Dataset == "adult" ? settings.AdultAlpha : null,
                    ["repeats"] = settings.Repeats, ["rounds"] = settings.Rounds, ["personal_epochs"] = settings.PersonalEpochs, ["ditto_lambda"] = settings.DittoLambda,
                    ["hidden"] = new JsonArray([.. settings.Hidden.Select(h => (JsonNode)h)]),
                    ["sites"] = new JsonArray([.. sites.Select(s => (JsonNode)s.ToJson())]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static string Percent(double value) => double.IsFinite(value) ? value.ToString("P1", Invariant) : "n/a";
}
