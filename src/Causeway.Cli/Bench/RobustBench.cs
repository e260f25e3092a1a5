using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal.Robust;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench robust</c>: UCI Adult logistic regression, 10 IID parties (the <c>adult-bench-lr-iid-fedavg.json</c>
/// run), with 10% and 30% of the parties malicious (label flipping, scaled updates, random updates): final test
/// accuracy of the plain mean against each robust aggregation rule.
/// </summary>
/// <remarks>
/// Every run has the same seed, so the same parties are malicious under every rule. The defences are configured for
/// the worst case the bench runs (3 of 10 attackers): trimmed mean with β = 0.3, Krum and Multi-Krum with f = 3, and
/// the mean after clipping every delta to <c>--norm-bound</c>. Evaluation runs after the last round only.
/// </remarks>
internal static class RobustBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>A defence: its table label and its <c>"aggregation"</c> section.</summary>
    public sealed record Defence(string Label, AggregationOptions Options);

    /// <summary>An attack: its table label and its <c>"attack"</c> section (null: honest run).</summary>
    public sealed record Attack(string Label, AttackOptions? Options);

    public static Command Create()
    {
        var configs = new Option<DirectoryInfo>("--configs")
        {
            Description = "The directory holding adult-bench-lr-iid-fedavg.json.",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo("samples/configs"),
        };
        var factor = new Option<float>("--factor") { Description = "The scale attack's factor.", DefaultValueFactory = _ => -10f };
        var sigma = new Option<float>("--sigma") { Description = "The random attack's noise standard deviation.", DefaultValueFactory = _ => 1f };
        var bound = new Option<float>("--norm-bound") { Description = "The L2 bound of the mean+clip defence.", DefaultValueFactory = _ => 1f };
        var report = CliOptions.Report();
        var command = new Command("robust", "UCI Adult LR, 10 parties, 10%/30% label-flip, scale and random attackers: accuracy of the mean vs median, trimmed mean, Krum, Multi-Krum, norm bounding.")
        {
            configs, factor, sigma, bound, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var loadBefore = LoadAverage.Read();
            var path = Path.Combine(parse.GetValue(configs)!.FullName, AdultBench.Cases[0].File);
            var config = RunConfigFile.Load(path);
            RunConfigFile.Validate(config, path, RunSite.SimulationFromFiles);
            config = config with { Evaluation = config.Evaluation with { EveryRounds = 0, Centralized = false } };
            var data = ExperimentData.Load(config, path).Simulation;
            var attacks = Attacks(parse.GetValue(factor), parse.GetValue(sigma));
            var defences = Defences(parse.GetValue(bound));
            var runs = new List<(Attack Attack, Defence Defence, BenchRun Run)>();
            await BenchProgress.StartAsync(async progress =>
            {
                foreach (var attack in attacks)
                {
                    foreach (var defence in defences)
                    {
                        var label = $"{attack.Label} / {defence.Label}";
                        var run = config with { Name = $"robust {label}", Aggregation = defence.Options, Attack = attack.Options };
                        runs.Add((attack, defence, await BenchRunner.RunAsync(label, run, data, null, progress, printRounds: false, cancellationToken)));
                    }
                }
            });

            var table = new Table().Title("UCI Adult LR, 10 IID parties: final test accuracy under attack")
                .AddColumns(["attack", .. defences.Select(d => d.Label)]);
            foreach (var attack in attacks)
            {
                table.AddRow([Markup.Escape(attack.Label), .. defences.Select(d => Cell(runs.First(r => r.Attack == attack && r.Defence == d).Run))]);
            }

            AnsiConsole.Write(table);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("robust", loadBefore, LoadAverage.Read(), new JsonObject
                {
                    ["config"] = AdultBench.Cases[0].File,
                    ["accuracy"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
                    {
                        ["attack"] = r.Attack.Label,
                        ["defence"] = r.Defence.Label,
                        ["accuracy"] = r.Run.Report.Final?.Accuracy is { } a && double.IsFinite(a) ? a : null,
                        ["failed_rounds"] = r.Run.Report.Rounds.Count(x => x.Participants == 0),
                        ["seconds"] = r.Run.WallSeconds,
                    })]),
                    ["runs"] = new JsonArray([.. runs.Select(r => r.Run.ToJson())]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static List<Attack> Attacks(float factor, float sigma)
    {
        var attacks = new List<Attack> { new("none", null) };
        foreach (var fraction in (double[])[0.1, 0.3])
        {
            var percent = (fraction * 100).ToString("F0", Invariant);
            attacks.Add(new($"label-flip {percent}%", new AttackOptions { Kind = AttackKind.LabelFlip, Fraction = fraction }));
            attacks.Add(new($"scale x{factor.ToString(Invariant)} {percent}%", new AttackOptions { Kind = AttackKind.Scale, Fraction = fraction, Factor = factor }));
            attacks.Add(new($"random sigma={sigma.ToString(Invariant)} {percent}%", new AttackOptions { Kind = AttackKind.Random, Fraction = fraction, Sigma = sigma }));
        }

        return attacks;
    }

    private static List<Defence> Defences(float bound) =>
    [
        new("mean", new AggregationOptions()),
        new("median", new AggregationOptions { Rule = AggregationRule.Median }),
        new("trimmed-mean 0.3", new AggregationOptions { Rule = AggregationRule.TrimmedMean, Trim = 0.3 }),
        new("krum f=3", new AggregationOptions { Rule = AggregationRule.Krum, Byzantine = 3 }),
        new("multi-krum f=3", new AggregationOptions { Rule = AggregationRule.MultiKrum, Byzantine = 3 }),
        new($"mean+clip {bound.ToString(Invariant)}", new AggregationOptions { NormBound = bound }),
    ];

    private static string Cell(BenchRun run) => run.Report.Final?.Accuracy is { } a && double.IsFinite(a) ? a.ToString("P2", Invariant) : "-";
}
