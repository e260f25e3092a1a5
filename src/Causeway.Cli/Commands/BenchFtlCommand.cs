using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary><c>causeway bench ftl</c>: federated transfer learning across feature spaces against the target party alone, at several overlaps.</summary>
internal static class BenchFtlCommand
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var defaults = new TransferBench.Settings();
        var sourceRows = new Option<int>("--source-rows") { Description = "The labelled source party's rows (the census: demographic columns and income).", DefaultValueFactory = _ => defaults.SourceRows };
        var targetRows = new Option<int>("--target-rows") { Description = "The target party's rows (the employer: work columns); the overlap is a share of them.", DefaultValueFactory = _ => defaults.TargetRows };
        var overlaps = new Option<double[]>("--overlaps") { Description = "Overlaps to measure, as shares of the target's rows.", DefaultValueFactory = _ => [.. defaults.Overlaps], AllowMultipleArgumentsPerToken = true };
        var epochs = new Option<int>("--epochs") { Description = "Full-batch steps of both parties.", DefaultValueFactory = _ => defaults.Transfer.Epochs };
        var dimension = new Option<int>("--dimension") { Description = "Width of the shared representation.", DefaultValueFactory = _ => defaults.Transfer.Dimension };
        var learningRate = new Option<double>("--learning-rate") { Description = "Step size of both parties' full-batch gradient descent.", DefaultValueFactory = _ => defaults.Transfer.LearningRate };
        var sourceWeight = new Option<double>("--source-weight") { Description = "Weight of the source's own loss over all its labelled rows (0: through the overlap only, as Liu et al.).", DefaultValueFactory = _ => defaults.Transfer.SourceWeight };
        var gamma = new Option<double>("--gamma") { Description = "Weight of the alignment term over the overlap.", DefaultValueFactory = _ => defaults.Transfer.Gamma };
        var plain = new Option<bool>("--plain") { Description = "Exchange the intermediate values in the clear (an insecure baseline, to time the protection): the source's per-row terms reveal its labels." };
        var repeats = new Option<int>("--repeats") { Description = "Seeds (rows drawn, weights initialised) to average every figure over: the overlaps are small.", DefaultValueFactory = _ => defaults.Repeats };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command(
            "ftl",
            "Federated transfer learning across feature spaces (Liu et al. 2018): UCI Adult split by columns between a labelled census and an employer who share only a few people; the employer's accuracy and AUC on its own test rows, with FTL (Paillier-protected) and alone.")
        {
            sourceRows, targetRows, overlaps, epochs, learningRate, dimension, gamma, sourceWeight, plain, repeats, seed, report,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var settings = defaults with
            {
                SourceRows = parse.GetValue(sourceRows), TargetRows = parse.GetValue(targetRows), Overlaps = parse.GetValue(overlaps) ?? [], Repeats = parse.GetValue(repeats), Seed = parse.GetValue(seed),
                Transfer = defaults.Transfer with
                {
                    Epochs = parse.GetValue(epochs), LearningRate = parse.GetValue(learningRate), Dimension = parse.GetValue(dimension), Gamma = parse.GetValue(gamma), SourceWeight = parse.GetValue(sourceWeight), Protected = !parse.GetValue(plain),
                },
            };
            if (settings.SourceRows < 10 || settings.TargetRows < 10 || settings.SourceRows + settings.TargetRows > 32_000 || settings.Overlaps.Count == 0
                || settings.Overlaps.Any(o => o is <= 0 or > 1 || o * settings.TargetRows > settings.SourceRows) || settings.Transfer.Epochs < 1 || settings.Transfer.Dimension is < 1 or > 64 || !(settings.Transfer.Gamma >= 0) || !(settings.Transfer.SourceWeight >= 0) || !(settings.Transfer.LearningRate > 0) || settings.Repeats < 1)
            {
                Console.Error.WriteLine("bench ftl: --source-rows and --target-rows must be at least 10 and together at most 32,000, every --overlaps share in (0, 1] and no more rows than the source holds, --epochs at least 1, --dimension 1 to 64, --gamma and --source-weight at least 0, --learning-rate above 0, --repeats at least 1.");
                return Task.FromResult(2);
            }

            var loadBefore = LoadAverage.Read();
            IReadOnlyList<TransferBench.Point> points = [];
            BenchProgress.StartAsync(progress =>
            {
                points = TransferBench.Run(settings, BenchProgress.Stages(progress), cancellationToken);
                return Task.CompletedTask;
            }).GetAwaiter().GetResult();
            var loadAfter = LoadAverage.Read();

            var table = new Table()
                .Title(Markup.Escape($"UCI Adult by columns: census (source, {settings.SourceRows:N0} labelled rows) and employer (target, {settings.TargetRows:N0} rows); employer's test rows, {(settings.Transfer.Protected ? "Paillier-2048" : "in the clear")}, mean of {settings.Repeats} seed(s)"))
                .AddColumns("overlap", "overlap rows", "FTL accuracy", "FTL AUC", "alone accuracy", "alone AUC", "FTL − alone (accuracy / AUC)", "FTL seconds");
            foreach (var p in points)
            {
                table.AddRow(
                    p.Overlap.ToString("P0", Invariant), p.OverlapRows.ToString(Invariant), p.TargetAccuracy.ToString("P1", Invariant), p.TargetAuc.ToString("F3", Invariant),
                    p.AloneAccuracy.ToString("P1", Invariant), p.AloneAuc.ToString("F3", Invariant),
                    string.Create(Invariant, $"{100 * (p.TargetAccuracy - p.AloneAccuracy):+0.0;-0.0;0.0} points / {p.TargetAuc - p.AloneAuc:+0.000;-0.000;0.000}"),
                    p.Seconds.ToString("F1", Invariant));
            }

            AnsiConsole.Write(table);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("ftl", loadBefore, loadAfter, new JsonObject
                {
                    ["source_rows"] = settings.SourceRows, ["target_rows"] = settings.TargetRows, ["epochs"] = settings.Transfer.Epochs,
                    ["dimension"] = settings.Transfer.Dimension, ["protected"] = settings.Transfer.Protected, ["key_bits"] = settings.Transfer.KeyBits, ["seed"] = settings.Seed, ["repeats"] = settings.Repeats,
                    ["overlaps"] = new JsonArray([.. points.Select(p => (JsonNode)new JsonObject
                    {
                        ["overlap"] = p.Overlap, ["overlap_rows"] = p.OverlapRows,
                        ["target_accuracy"] = p.TargetAccuracy, ["target_auc"] = p.TargetAuc,
                        ["alone_accuracy"] = p.AloneAccuracy, ["alone_auc"] = p.AloneAuc, ["seconds"] = p.Seconds,
                    })]),
                }));
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
