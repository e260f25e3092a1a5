using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Federation.Recommendation.Data;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway run popular</c>: a recommendation run's popular items across all parties, released with differential
/// privacy (each party noises its per-user-clipped item counts) and charged to the run's statistics budget.
/// </summary>
internal static class RunPopularCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="connect">Opens a control API client from the parent command's --coordinator, --ca and --admin-token.</param>
    public static Command Create(Func<ParseResult, ControlApiClient> connect)
    {
        var run = new Option<string>("--run") { Description = "The recommendation run (finished) whose parties count their items.", Required = true };
        var epsilon = new Option<double>("--epsilon") { Description = "Epsilon this release spends from the run's statistics budget, in (0, 1).", Required = true, HelpName = "EPSILON" };
        var delta = new Option<double>("--delta") { Description = "Delta this release spends, in (0, 1).", DefaultValueFactory = _ => 1e-7, HelpName = "DELTA" };
        var perUser = new Option<int>("--max-items-per-user") { Description = "How many items one user may add to the counts (the sensitivity).", DefaultValueFactory = _ => 50 };
        var top = new Option<int>("--top") { Description = "How many items to list.", DefaultValueFactory = _ => 10 };
        var ratings = new Option<FileInfo?>("--ratings") { Description = "The federation's ratings file, to name the items by id (rows otherwise).", HelpName = "FILE" };
        var titles = new Option<FileInfo?>("--titles") { Description = "A CSV of item id, title (e.g. movies.csv), with --ratings.", HelpName = "FILE" };
        var json = Output.CliOptions.Json();
        var command = new Command("popular", "Popular items of a recommendation run across all parties, with differential privacy (spends the run's statistics budget).")
        {
            run, epsilon, delta, perUser, top, ratings, titles, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var body = new JsonObject
            {
                ["epsilon"] = parse.GetValue(epsilon),
                ["delta"] = parse.GetValue(delta),
                ["maxItemsPerUser"] = parse.GetValue(perUser),
                ["top"] = parse.GetValue(top),
            };
            using var api = connect(parse);
            // A refusal (budget exhausted, unknown column, ...) is the coordinator's answer: FailureReport prints it, exit 2.
            var released = await api.ReleasePopularItemsAsync(parse.GetValue(run)!, body.ToJsonString(), cancellationToken);

            if (parse.GetValue(json))
            {
                Console.WriteLine(released.ToJsonString(Indented));
                return 0;
            }

            IReadOnlyList<string>? ids = null;
            if (parse.GetValue(ratings) is { } file)
            {
                using var stream = file.OpenRead();
                ids = RatingsReader.Read(stream, file.FullName).ItemIds;
            }

            var names = parse.GetValue(titles) is { } titleFile ? RecommendCommand.ReadTitles(titleFile.FullName) : null;
            var release = released["release"]!;
            var table = new Table()
                .Title(Markup.Escape(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Popular items, ({release["epsilon"]}, {release["delta"]})-DP, at most {release["maxItemsPerUser"]} items per user; {release["partiesAnswered"]} of {release["partiesAsked"]} parties, noise σ {release["noiseStandardDeviation"]!.GetValue<double>():F1} each")))
                .AddColumns("#", "item", "noisy count");
            var rank = 0;
            foreach (var item in release["items"]!.AsArray())
            {
                var row = item!["row"]!.GetValue<int>();
                var id = ids is not null && row < ids.Count ? ids[row] : $"row {row}";
                var name = names?.GetValueOrDefault(id) is { } title ? $"{id}  {title}" : id;
                table.AddRow((++rank).ToString(CultureInfo.InvariantCulture), Markup.Escape(name), item["noisyCount"]!.GetValue<double>().ToString("F1", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            var budget = released["budget"]!;
            Console.WriteLine($"statistics budget spent: epsilon {budget["epsilonSpent"]} of {budget["epsilonLimit"]}, delta {budget["deltaSpent"]} of {budget["deltaLimit"]}");
            return 0;
        });
        return command;
    }
}
