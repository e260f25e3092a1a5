using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// <c>causeway run stats</c>: release a run's merged statistics (row count, per-column counts, category histograms) with
/// differential privacy, charged to the run's statistics budget on the coordinator.
/// </summary>
internal static class RunStatsCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <param name="connect">Opens a control API client from the parent command's --coordinator, --ca and --admin-token.</param>
    public static Command Create(Func<ParseResult, ControlApiClient> connect)
    {
        var run = new Option<string>("--run") { Description = "The run whose statistics to release.", Required = true };
        var epsilon = new Option<double>("--epsilon") { Description = "Epsilon this release spends from the run's statistics budget.", Required = true, HelpName = "EPSILON" };
        var mechanism = new Option<string>("--mechanism") { Description = "laplace (epsilon-DP) or gaussian ((epsilon, delta)-DP, epsilon < 1).", DefaultValueFactory = _ => "laplace" };
        mechanism.AcceptOnlyFromAmong("laplace", "gaussian");
        var delta = new Option<double?>("--delta") { Description = "Delta this release spends (gaussian only).", HelpName = "DELTA" };
        var columns = new Option<string[]>("--column") { Description = "A column to release (repeatable; default: every feature column).", HelpName = "NAME" };
        var json = CliOptions.Json();
        var command = new Command("stats", "Release a run's row count, per-column counts and category histograms with differential privacy (spends the run's statistics budget).")
        {
            run, epsilon, mechanism, delta, columns, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var body = new JsonObject { ["mechanism"] = parse.GetValue(mechanism), ["epsilon"] = parse.GetValue(epsilon) };
            if (parse.GetValue(delta) is { } d)
            {
                body["delta"] = d;
            }

            if (parse.GetValue(columns) is { Length: > 0 } chosen)
            {
                body["columns"] = new JsonArray([.. chosen.Select(c => JsonValue.Create(c))]);
            }

            using var api = connect(parse);
            // A refusal (budget exhausted, unknown column, ...) is the coordinator's answer: FailureReport prints it, exit 2.
            var released = await api.ReleaseStatisticsAsync(parse.GetValue(run)!, body.ToJsonString(), cancellationToken);
            if (parse.GetValue(json))
            {
                Console.WriteLine(released.ToJsonString(Indented));
            }
            else
            {
                Write(released);
            }

            return 0;
        });
        return command;
    }

    private static void Write(JsonNode response)
    {
        var release = response["release"]!;
        var budget = response["budget"]!;
        var table = new Table()
            .Title(Markup.Escape(string.Create(
                CultureInfo.InvariantCulture,
                $"{response["run"]}: {release["mechanism"]}, epsilon {Number(release["epsilon"])}, delta {Number(release["delta"])}, noise sd {Number(release["noiseStandardDeviation"])}")))
            .AddColumns("statistic", "column", "category", "noisy value");
        table.AddRow("rows", "-", "-", Number(release["rows"]));
        foreach (var count in release["counts"]?.AsArray() ?? [])
        {
            table.AddRow("count", Markup.Escape(count?["column"]?.ToString() ?? "-"), "-", Number(count?["count"]));
        }

        foreach (var histogram in release["histograms"]?.AsArray() ?? [])
        {
            foreach (var category in histogram?["categories"]?.AsArray() ?? [])
            {
                table.AddRow(
                    "histogram", Markup.Escape(histogram?["column"]?.ToString() ?? "-"), Markup.Escape(category?["category"]?.ToString() ?? "-"), Number(category?["count"]));
            }
        }

        table.Caption(Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"budget: epsilon {Number(budget["epsilonSpent"])} of {Number(budget["epsilonLimit"])} spent ({Number(budget["epsilonRemaining"])} left), "
            + $"delta {Number(budget["deltaSpent"])} of {Number(budget["deltaLimit"])}, {budget["releases"]} releases")));
        AnsiConsole.Write(table);
    }

    private static string Number(JsonNode? node) =>
        node is null ? "-" : node.GetValue<double>().ToString("G6", CultureInfo.InvariantCulture);
}
