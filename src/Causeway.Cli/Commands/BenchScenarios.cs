using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Bench;
using Causeway.Cli.Output;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Spectre.Console;

namespace Causeway.Cli.Commands;

/// <summary>
/// The issue 2 benchmark scenarios under <c>causeway bench</c>: <c>adult</c> (quality vs centralized),
/// <c>fmnist</c> (rounds to 85% for FedAvg vs FedSGD) and <c>simulate</c> (simulation speed).
/// </summary>
internal static class BenchScenarios
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IEnumerable<Command> Create() => [Adult(), FashionMnist(), Simulate()];

    private static Option<DirectoryInfo> ConfigDirectory() => new("--configs")
    {
        Description = "The directory holding the adult-bench-*.json configurations.",
        HelpName = "DIR",
        DefaultValueFactory = _ => new DirectoryInfo("samples/configs"),
    };

    private static Option<DirectoryInfo> DataDirectory() => new("--data-dir")
    {
        Description = "The directory holding the gzipped Fashion-MNIST IDX files.",
        HelpName = "DIR",
        DefaultValueFactory = _ => new DirectoryInfo(FashionMnistData.DefaultDirectory),
    };

    private static Command Adult()
    {
        var configs = ConfigDirectory();
        var only = new Option<string[]>("--only") { Description = "Run only these groups (iid, dirichlet-0.3, mlp-iid) or files.", AllowMultipleArgumentsPerToken = true };
        var report = CliOptions.Report();
        var command = new Command("adult", "UCI Adult, 10 parties: IID FedAvg and Dirichlet(0.3) FedAvg/FedProx/FedAdam vs the centralized model.")
        {
            configs, only, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var loadBefore = LoadAverage.Read();
            IReadOnlyList<(AdultBench.Case Case, BenchRun Run)> runs = [];
            await BenchProgress.StartAsync(async progress =>
                runs = await AdultBench.RunAsync(parse.GetValue(configs)!.FullName, parse.GetValue(only), progress, cancellationToken));

            var table = new Table().Title("UCI Adult: federated vs centralized (test set adult.test)")
                .AddColumns("run", "strategy / local plan", "rounds", "federated acc", "centralized acc", "gap (points)", "seconds");
            foreach (var (c, run) in runs)
            {
                table.AddRow(
                    Markup.Escape(c.Label),
                    Markup.Escape(Describe(run.Config)),
                    run.Report.Rounds.Count.ToString(Invariant),
                    Percent(run.Report.Final?.Accuracy),
                    Percent(run.Report.Centralized?.Accuracy),
                    AdultBench.Gap(run) is { } g ? g.ToString("+0.00;-0.00", Invariant) : "-",
                    run.WallSeconds.ToString("F1", Invariant));
            }

            AnsiConsole.Write(table);
            var targets = AdultTargets(runs);
            foreach (var t in targets)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"target {t["target"]}: {((bool?)t["met"] == true ? "MET" : "NOT MET")} ({t["detail"]})"));
            }

            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("adult", loadBefore, LoadAverage.Read(), new JsonObject
                {
                    ["targets"] = new JsonArray([.. targets]),
                    ["runs"] = new JsonArray([.. runs.Select(r => r.Run.ToJson().Also(j => j["file"] = r.Case.File))]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static List<JsonObject> AdultTargets(IReadOnlyList<(AdultBench.Case Case, BenchRun Run)> runs)
    {
        var targets = new List<JsonObject>();
        var iid = runs.FirstOrDefault(r => r.Case.Group == AdultBench.IidGroup && r.Case.File.Contains("fedavg", StringComparison.Ordinal));
        if (iid.Run is not null && AdultBench.Gap(iid.Run) is { } g)
        {
            targets.Add(new JsonObject
            {
                ["target"] = "IID FedAvg within 1.0 point of centralized",
                ["met"] = g >= -1.0,
                ["detail"] = $"gap {g:+0.00;-0.00} points",
            });
        }

        var skew = runs.Where(r => r.Case.Group == AdultBench.SkewGroup && !r.Case.File.Contains("fedavg", StringComparison.Ordinal))
            .Select(r => (r.Case.Label, Gap: AdultBench.Gap(r.Run)))
            .Where(r => r.Gap is not null)
            .ToList();
        if (skew.Count > 0)
        {
            var best = skew.MaxBy(r => r.Gap)!;
            targets.Add(new JsonObject
            {
                ["target"] = "Dirichlet(0.3): FedProx or FedAdam within 3.0 points of centralized",
                ["met"] = best.Gap >= -3.0,
                ["detail"] = string.Join(", ", skew.Select(s => $"{s.Label} {s.Gap:+0.00;-0.00}")),
            });
        }

        return targets;
    }

    private static Command FashionMnist()
    {
        var defaults = new FashionMnistBench.Settings();
        var dataDir = DataDirectory();
        var target = new Option<double>("--target") { Description = "Test accuracy to reach.", DefaultValueFactory = _ => defaults.Target };
        var maxRounds = new Option<int>("--max-rounds") { Description = "Round cap for FedAvg.", DefaultValueFactory = _ => defaults.FedAvgMaxRounds };
        var sgdMaxRounds = new Option<int>("--fedsgd-max-rounds") { Description = "Round cap for FedSGD.", DefaultValueFactory = _ => defaults.FedSgdMaxRounds };
        var avgLr = new Option<float>("--fedavg-lr") { Description = "FedAvg's local SGD learning rate.", DefaultValueFactory = _ => defaults.FedAvgLearningRate };
        var sgdLr = new Option<float>("--fedsgd-lr") { Description = "FedSGD's learning rate (one full-batch gradient step per round).", DefaultValueFactory = _ => defaults.FedSgdLearningRate };
        var sgdEvery = new Option<int>("--fedsgd-eval-every") { Description = "Evaluate FedSGD's global model every k rounds (FedAvg: every round).", DefaultValueFactory = _ => defaults.FedSgdEvaluateEvery };
        var algorithms = new Option<string[]>("--algorithms") { Description = "fedavg, fedsgd or both.", DefaultValueFactory = _ => ["fedavg", "fedsgd"], AllowMultipleArgumentsPerToken = true };
        var seed = CliOptions.Seed();
        var report = CliOptions.Report();
        var command = new Command("fmnist", "Fashion-MNIST 2NN, 100 IID parties, C=0.1: rounds to the target accuracy, FedAvg (E=5, B=10) vs FedSGD.")
        {
            dataDir, target, maxRounds, sgdMaxRounds, avgLr, sgdLr, sgdEvery, algorithms, seed, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var loadBefore = LoadAverage.Read();
            var directory = parse.GetValue(dataDir)!.FullName;
            if (FashionMnistData.Ensure(directory, Console.Out) is { } error)
            {
                Console.Error.WriteLine($"bench fmnist: {error}");
                return 2;
            }

            var settings = new FashionMnistBench.Settings
            {
                Target = parse.GetValue(target),
                FedAvgMaxRounds = parse.GetValue(maxRounds),
                FedSgdMaxRounds = parse.GetValue(sgdMaxRounds),
                FedAvgLearningRate = parse.GetValue(avgLr),
                FedSgdLearningRate = parse.GetValue(sgdLr),
                FedSgdEvaluateEvery = parse.GetValue(sgdEvery),
                Seed = parse.GetValue(seed),
            };
            var which = parse.GetValue(algorithms)!.Select(a => a.ToLowerInvariant()).ToHashSet();
            var data = FashionMnistData.Load(directory);
            var runs = new List<BenchRun>();
            await BenchProgress.StartAsync(async progress =>
            {
                if (which.Contains("fedavg"))
                {
                    runs.Add(await FashionMnistBench.RunAsync("FedAvg E=5 B=10", FashionMnistBench.FedAvg(settings), data, settings.Target, progress, cancellationToken));
                }

                if (which.Contains("fedsgd"))
                {
                    runs.Add(await FashionMnistBench.RunAsync("FedSGD E=1 B=full", FashionMnistBench.FedSgd(settings), data, settings.Target, progress, cancellationToken));
                }
            });

            var table = new Table().Title($"Fashion-MNIST 2NN: rounds to {settings.Target:P0} test accuracy")
                .AddColumns("algorithm", "lr", "eval every", "rounds to target", "best acc", "final acc", "s/round", "cores busy", "seconds");
            foreach (var run in runs)
            {
                table.AddRow(
                    Markup.Escape(run.Label),
                    run.Config.Training.LearningRate.ToString(Invariant),
                    run.Config.Evaluation.EveryRounds.ToString(Invariant),
                    Markup.Escape(run.ReachedRound?.ToString(Invariant) ?? $"not reached in {run.Report.Rounds.Count}"),
                    Percent(run.BestAccuracy),
                    Percent(run.Report.Final?.Accuracy),
                    (run.Report.Rounds.Sum(r => r.Seconds) / run.Report.Rounds.Count).ToString("F3", Invariant),
                    run.CoresBusy.ToString("F2", Invariant),
                    run.WallSeconds.ToString("F0", Invariant));
            }

            AnsiConsole.Write(table);
            var ratio = FashionMnistRatio(runs);
            if (ratio is not null)
            {
                AnsiConsole.MarkupLine(Markup.Escape($"target FedSGD rounds / FedAvg rounds >= 10: {((bool?)ratio["met"] == true ? "MET" : "NOT MET")} ({ratio["detail"]})"));
            }

            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("fmnist", loadBefore, LoadAverage.Read(), new JsonObject
                {
                    ["target_accuracy"] = settings.Target,
                    ["ratio"] = ratio,
                    ["runs"] = new JsonArray([.. runs.Select(r => r.ToJson())]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static JsonObject? FashionMnistRatio(List<BenchRun> runs)
    {
        var avg = runs.FirstOrDefault(r => r.Config.Strategy.Name == StrategyKind.FedAvg);
        var sgd = runs.FirstOrDefault(r => r.Config.Strategy.Name == StrategyKind.FedSgd);
        if (avg?.ReachedRound is not { } a || sgd is null)
        {
            return null;
        }

        if (sgd.ReachedRound is { } s)
        {
            return new JsonObject
            {
                ["fedavg_rounds"] = a,
                ["fedsgd_rounds"] = s,
                ["ratio"] = (double)s / a,
                ["lower_bound"] = false,
                ["met"] = s >= 10 * a,
                ["detail"] = $"{s} / {a} = {(double)s / a:F1}x",
            };
        }

        var n = sgd.Report.Rounds.Count;
        return new JsonObject
        {
            ["fedavg_rounds"] = a,
            ["fedsgd_rounds"] = null,
            ["ratio"] = (double)n / a,
            ["lower_bound"] = true,
            ["met"] = n >= 10 * a,
            ["detail"] = $"FedSGD not reached in {n} rounds (best accuracy {sgd.BestAccuracy:P2}): ratio > {(double)n / a:F1}x",
        };
    }

    private static Command Simulate()
    {
        var configs = ConfigDirectory();
        var dataDir = DataDirectory();
        var parties = new Option<int[]>("--parties") { Description = "Adult LR party counts.", DefaultValueFactory = _ => [100, 1000], AllowMultipleArgumentsPerToken = true };
        var rounds = new Option<int>("--rounds") { Description = "Rounds per Adult measurement.", DefaultValueFactory = _ => 20 };
        var fmnistEpochs = new Option<int[]>("--fmnist-epochs") { Description = "Local epochs of the Fashion-MNIST measurements (empty: skip).", DefaultValueFactory = _ => [1, 5], AllowMultipleArgumentsPerToken = true };
        var fmnistRounds = new Option<int>("--fmnist-rounds") { Description = "Rounds per Fashion-MNIST measurement.", DefaultValueFactory = _ => 10 };
        var parallelism = new Option<int[]>("--parallelism")
        {
            Description = "Simulator worker counts to measure (parties training at once); 1 and the core count show the parallel speed-up.",
            DefaultValueFactory = _ => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1],
            AllowMultipleArgumentsPerToken = true,
        };
        var repeats = new Option<int>("--repeat") { Description = "Runs per measurement; the fastest (by median round) is reported, all medians go to the JSON.", DefaultValueFactory = _ => 3 };
        var report = CliOptions.Report();
        var command = new Command("simulate", "Simulation speed: rounds/s for 100 and 1,000 Adult LR parties, s/round for the Fashion-MNIST 2NN.")
        {
            configs, dataDir, parties, rounds, fmnistEpochs, fmnistRounds, parallelism, repeats, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var loadBefore = LoadAverage.Read();
            var epochs = parse.GetValue(fmnistEpochs) ?? [];
            var directory = parse.GetValue(dataDir)!.FullName;
            string? fmnist = null;
            if (epochs.Length > 0)
            {
                if (FashionMnistData.Ensure(directory, Console.Out) is { } error)
                {
                    Console.Error.WriteLine($"bench simulate: {error}");
                    return 2;
                }

                fmnist = directory;
            }

            var adultConfig = Path.Combine(parse.GetValue(configs)!.FullName, AdultBench.Cases[0].File);
            IReadOnlyList<SimulationSpeedBench.Measurement> results = [];
            await BenchProgress.StartAsync(async progress => results = await SimulationSpeedBench.RunAsync(
                adultConfig, fmnist, parse.GetValue(parties)!, parse.GetValue(rounds), epochs, parse.GetValue(fmnistRounds), parse.GetValue(parallelism)!, Math.Max(1, parse.GetValue(repeats)), progress, cancellationToken));

            var table = new Table().Title("Simulation speed (evaluation only after the last round; best of --repeat runs)")
                .AddColumns("task", "workers", "rounds", "median s/round", "rounds/s (median)", "rounds/s (all, incl. final eval)", "cores busy");
            foreach (var m in results)
            {
                table.AddRow(
                    Markup.Escape(m.Task),
                    m.Parallelism.ToString(Invariant),
                    m.Run.Report.Rounds.Count.ToString(Invariant),
                    m.MedianRoundSeconds.ToString("F4", Invariant),
                    m.RoundsPerSecond.ToString("F2", Invariant),
                    m.OverallRoundsPerSecond.ToString("F2", Invariant),
                    m.Run.CoresBusy.ToString("F2", Invariant));
            }

            AnsiConsole.Write(table);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("simulate", loadBefore, LoadAverage.Read(), new JsonObject
                {
                    ["runs"] = new JsonArray([.. results.Select(m => m.Run.ToJson().Also(j =>
                    {
                        j["task"] = m.Task;
                        j["workers"] = m.Parallelism;
                        j["repeat_median_round_seconds"] = new JsonArray([.. m.RepeatMedians.Select(v => (JsonNode)v)]);
                        j["median_round_seconds"] = m.MedianRoundSeconds;
                        j["rounds_per_second"] = m.RoundsPerSecond;
                        j["overall_rounds_per_second"] = m.OverallRoundsPerSecond;
                    }))]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static string Describe(RunConfig c)
    {
        var s = c.Strategy;
        var extra = s.Name switch
        {
            StrategyKind.FedProx => $" mu={s.Mu ?? 0.01f}",
            StrategyKind.FedAdam => $" server lr={s.ServerLearningRate ?? 0.1f}",
            _ => string.Empty,
        };
        var t = c.Training;
        return string.Create(Invariant, $"{s.Name.ToString().ToLowerInvariant()}{extra}; {Model(c.Model)} E={t.Epochs} B={t.BatchSize} lr={t.LearningRate} {t.Optimizer.ToString().ToLowerInvariant()}");
    }

    private static string Model(ModelConfig model) => model.Type == ModelType.Mlp
        ? $"mlp {string.Join('-', model.EffectiveHidden)}"
        : model.Type.ToString().ToLowerInvariant();

    private static string Percent(double? value) => value?.ToString("P2", Invariant) ?? "-";
}
