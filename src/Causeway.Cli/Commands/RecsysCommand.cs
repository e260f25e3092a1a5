using System.CommandLine;
using System.Globalization;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway recsys demo</c>: federated recommendation in one command (docs/recommendation.md).</summary>
internal static class RecsysCommand
{
    public static Command Create()
    {
        var shops = new Option<int>("--shops") { Description = "Shops: party processes, each holding its share of the users.", DefaultValueFactory = _ => 3 };
        var rounds = new Option<int>("--rounds") { Description = "Federated rounds.", DefaultValueFactory = _ => 25 };
        var user = new Option<string>("--user") { Description = "The user whose recommendations are shown (a MovieLens user id).", DefaultValueFactory = _ => "1" };
        var workDirectory = new Option<DirectoryInfo?>("--work-dir")
        {
            Description = "Where the demo writes certificates, logs and the database: a new or empty folder, or one an earlier demo made "
                + $"(marked by {WorkFolder.MarkerFile}; emptied first). Default: a new folder under .causeway/recsys-demo/ for every run.",
            HelpName = "DIR",
        };
        var report = CliOptions.Report();
        var seed = CliOptions.Seed();
        var demo = new Command("demo", "MovieLens dealt to shops: a coordinator and shop processes over HTTP/2 + TLS, federated vs centralised RMSE, then one user's recommendations computed at their shop.")
        {
            shops, rounds, user, workDirectory, report, seed,
        };
        demo.SetAction(async (parse, cancellationToken) =>
        {
            var shopCount = parse.GetValue(shops);
            var roundCount = parse.GetValue(rounds);
            if (shopCount < 1 || roundCount < 1)
            {
                Console.Error.WriteLine("recsys demo: --shops and --rounds must be at least 1.");
                return 2;
            }

            using var work = parse.GetValue(workDirectory) is { } named
                ? WorkFolder.Claim(named.FullName, "--work-dir", "causeway recsys demo")
                : WorkFolder.CreateUnique(Path.Combine(".causeway", "recsys-demo"), "causeway recsys demo", TimeProvider.System);
            var samples = Path.Combine(DemoDatasets.LocateSamples(), "data", "movielens-latest-small");
            var options = new RecsysDemo.Options(shopCount, roundCount, parse.GetValue(user)!, work.Path, parse.GetValue(seed));
            RecsysDemo.Outcome outcome;
            try
            {
                outcome = await RecsysDemo.RunAsync(options, Path.Combine(samples, "ratings.csv"), cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or HttpRequestException or IOException)
            {
                Console.Error.WriteLine($"recsys demo: {e.Message}");
                return 1;
            }

            Write(outcome, options, RecommendCommand.ReadTitles(Path.Combine(samples, "movies.csv")));
            AnsiConsole.MarkupLine(Markup.Escape($"logs, certificates and the coordinator's database are in {work.Path}"));
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, outcome.ToJson());
            }

            return 0;
        });
        return new Command("recsys", "Federated recommendation: the demo (benchmarks are `causeway bench recsys` and `bench recsys-network`).") { demo };
    }

    private static void Write(RecsysDemo.Outcome outcome, RecsysDemo.Options options, IReadOnlyDictionary<string, string> titles)
    {
        var culture = CultureInfo.InvariantCulture;
        var table = new Table().Title("MovieLens latest-small, held-out 20 % of the ratings (matrix factorisation, k = 32)").AddColumns("model", "RMSE", "rounds / epochs", "seconds");
        table.AddRow(
            Markup.Escape($"federated over {options.Shops} shops (gradient sum)"),
            outcome.FederatedRmse?.ToString("F4", culture) ?? "-",
            outcome.Rounds.ToString(culture),
            outcome.FederatedSeconds.ToString("F1", culture));
        table.AddRow("centralised (pooled ratings, Surprise's plan)", outcome.CentralizedRmse.ToString("F4", culture), "20", outcome.CentralizedSeconds.ToString("F1", culture));
        AnsiConsole.Write(table);

        var list = new Table().Title(Markup.Escape($"Top 10 for user {options.User}, computed at {outcome.Shop} (movies they rated left out)")).AddColumns("#", "movie", "score (predicted rating)");
        foreach (var (item, index) in outcome.Recommendations.Select((item, index) => (item, index)))
        {
            list.AddRow((index + 1).ToString(culture), Markup.Escape(titles.GetValueOrDefault(item.Item) ?? item.Item), item.Score.ToString("F2", culture));
        }

        AnsiConsole.Write(list);

        var popular = new Table()
            .Title("Popular across the shops, (0.5, 1e-7)-DP: each shop noises its counts (at most 50 movies per user)")
            .AddColumns("#", "movie", "noisy count", "ratings (pooled; demo only)")
            .Caption(Markup.Escape(string.Create(
                culture,
                $"noise sd on each summed count: {outcome.PopularNoise:F0}. With {options.Shops} shops and 610 users it swamps the counts over 9,724 movies: a useful DP list needs far more users, a smaller candidate set, or the noise added once under secure aggregation.")));
        foreach (var ((item, count, ratings), index) in outcome.Popular.Select((p, index) => (p, index)))
        {
            popular.AddRow((index + 1).ToString(culture), Markup.Escape(titles.GetValueOrDefault(item) ?? item), count.ToString("F1", culture), ratings.ToString(culture));
        }

        AnsiConsole.Write(popular);
    }
}
