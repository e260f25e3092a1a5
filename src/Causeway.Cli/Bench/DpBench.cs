using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Cli.Composition;
using Causeway.Cli.Output;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Simulation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// <c>causeway bench dp</c>: test accuracy against ε on UCI Adult and Fashion-MNIST, next to the same run without
/// differential privacy, for client-level DP-FedAvg (many small parties, a share sampled per round, noise at the
/// coordinator, fixed clipping) and for sample-level DP-SGD (a few large parties).
/// </summary>
/// <remarks>
/// Each curve runs one configuration at several noise multipliers σ; ε is the run's own accountant after its last round
/// (δ = 1e-5, classic RDP conversion). No budget is set, so every run ends at its last round. Seeds are fixed: the
/// non-private run of a curve is the same federation, only without clipping and noise.
/// </remarks>
internal static class DpBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// One accuracy-vs-ε curve: a base run, the noise multipliers to try (null: the base run, without DP) and how a
    /// private run differs from the base (its privacy section; DP-SGD also a learning rate suited to clipped gradients).
    /// </summary>
    /// <param name="Dataset">The dataset's name in the table.</param>
    /// <param name="Level">"client (DP-FedAvg)" or "sample (DP-SGD)".</param>
    /// <param name="Base">The run without DP.</param>
    /// <param name="NoiseMultipliers">The σ to run; null is the base run.</param>
    /// <param name="Private">The base run made private with σ.</param>
    /// <param name="SameRateBaseline">
    /// Also run the base without DP at the private runs' settings (their learning rate), and compare the private runs
    /// with that run rather than with the base.
    /// </param>
    public sealed record Curve(
        string Dataset, string Level, RunConfig Base, IReadOnlyList<double?> NoiseMultipliers, Func<RunConfig, double, RunConfig> Private, bool SameRateBaseline = false);

    public static Command Create()
    {
        var configs = new Option<DirectoryInfo>("--configs")
        {
            Description = "The directory holding adult-dp-client.json and adult-bench-lr-iid-fedavg.json.",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo("samples/configs"),
        };
        var dataDirectory = new Option<DirectoryInfo>("--data-dir")
        {
            Description = "The directory holding the gzipped Fashion-MNIST IDX files.",
            HelpName = "DIR",
            DefaultValueFactory = _ => new DirectoryInfo(FashionMnistData.DefaultDirectory),
        };
        var only = new Option<string[]>("--only") { Description = "Run only these datasets (adult, fmnist).", AllowMultipleArgumentsPerToken = true };
        var report = CliOptions.Report();
        var command = new Command("dp", "Accuracy vs epsilon on UCI Adult and Fashion-MNIST: client-level DP-FedAvg and sample-level DP-SGD next to the non-private run.")
        {
            configs, dataDirectory, only, report,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var loadBefore = LoadAverage.Read();
            var datasets = parse.GetValue(only) is { Length: > 0 } chosen ? chosen : ["adult", "fmnist"];
            var curves = new List<(Curve Curve, SimulationData Data)>();
            if (datasets.Contains("adult"))
            {
                var directory = parse.GetValue(configs)!.FullName;
                var clientPath = Path.Combine(directory, "adult-dp-client.json");
                var client = RunConfigFile.Load(clientPath);
                var samplePath = Path.Combine(directory, AdultBench.Cases[0].File);
                var sample = RunConfigFile.Load(samplePath);
                var data = ExperimentData.Load(sample, samplePath).Simulation;
                curves.Add((AdultClient(client), data));
                curves.Add((AdultSample(sample), data));
            }

            if (datasets.Contains("fmnist"))
            {
                var directory = parse.GetValue(dataDirectory)!.FullName;
                if (FashionMnistData.Ensure(directory, Console.Out) is { } error)
                {
                    AnsiConsole.MarkupLine(Markup.Escape(error));
                    return 1;
                }

                var data = FashionMnistData.Load(directory);
                curves.Add((FashionClient(), data));
                curves.Add((FashionSample(), data));
            }

            var runs = new List<(Curve Curve, double? Sigma, bool SameRate, BenchRun Run)>();
            await BenchProgress.StartAsync(async progress =>
            {
                foreach (var (curve, data) in curves)
                {
                    foreach (var sigma in curve.NoiseMultipliers)
                    {
                        var label = $"{curve.Dataset} {curve.Level} {(sigma is { } s ? $"σ={s.ToString(Invariant)}" : "no DP")}";
                        var config = (sigma is { } value ? curve.Private(curve.Base, value) : curve.Base) with { Name = label };
                        runs.Add((curve, sigma, false, await BenchRunner.RunAsync(label, config, data, null, progress, printRounds: false, cancellationToken)));
                        if (sigma is null && curve.SameRateBaseline)
                        {
                            var sameRate = curve.Private(curve.Base, 1.0) with { Name = $"{label}, private runs' rate", Privacy = null };
                            runs.Add((curve, null, true, await BenchRunner.RunAsync(sameRate.Name, sameRate, data, null, progress, printRounds: false, cancellationToken)));
                        }
                    }
                }
            });

            var table = new Table().Title("Accuracy vs ε (δ = 1e-5, classic RDP conversion)")
                .AddColumns("dataset", "level", "σ", "ε", "accuracy", "vs no DP at the same rate (points)", "learning rate", "rounds", "seconds");
            foreach (var (curve, sigma, _, run) in runs)
            {
                var baseline = runs.Last(r => r.Curve == curve && r.Sigma is null).Run.Report.Final?.Accuracy;
                var accuracy = run.Report.Final?.Accuracy;
                table.AddRow(
                    curve.Dataset,
                    curve.Level,
                    sigma?.ToString(Invariant) ?? "-",
                    sigma is null ? "-" : Epsilon(run) is { } e ? e.ToString("F2", Invariant) : "∞",
                    accuracy?.ToString("P2", Invariant) ?? "-",
                    sigma is null || accuracy is null || baseline is null ? "-" : ((accuracy - baseline) * 100).Value.ToString("+0.00;-0.00", Invariant),
                    run.Config.Training.LearningRate.ToString(Invariant),
                    run.Report.Rounds.Count.ToString(Invariant),
                    run.WallSeconds.ToString("F1", Invariant));
            }

            AnsiConsole.Write(table);
            if (parse.GetValue(report) is { } file)
            {
                ReportFile.Write(file.FullName, BenchReport.Create("dp", loadBefore, LoadAverage.Read(), new JsonObject
                {
                    ["curves"] = new JsonArray([.. runs.Select(r => (JsonNode)new JsonObject
                    {
                        ["dataset"] = r.Curve.Dataset,
                        ["level"] = r.Curve.Level,
                        ["noise_multiplier"] = r.Sigma,
                        ["baseline_at_private_rate"] = r.SameRate,
                        ["epsilon"] = Epsilon(r.Run),
                        ["delta"] = r.Sigma is null ? null : 1e-5,
                        ["accuracy"] = r.Run.Report.Final?.Accuracy is { } a && double.IsFinite(a) ? a : null,
                        ["learning_rate"] = r.Run.Config.Training.LearningRate,
                        ["rounds"] = r.Run.Report.Rounds.Count,
                        ["seconds"] = r.Run.WallSeconds,
                    })]),
                    ["runs"] = new JsonArray([.. runs.Select(r => r.Run.ToJson())]),
                }));
            }

            return 0;
        });
        return command;
    }

    private static double? Epsilon(BenchRun run) =>
        run.Report.Privacy is { } p && (p.Epsilon ?? p.SampleEpsilon) is { } e && double.IsFinite(e) ? e : null;

    // 1,000 parties of about 33 rows, 100 per round, 60 rounds; updates clipped to 0.5.
    private static Curve AdultClient(RunConfig config) => new(
        "adult",
        "client (DP-FedAvg)",
        config with { Privacy = null, Evaluation = config.Evaluation with { EveryRounds = 0, Centralized = false } },
        [null, 3.0, 1.5, 1.0, 0.7],
        ClientDp(clipNorm: 0.5));

    // 10 parties of about 3,256 rows, 20 rounds of one epoch at batch 32; every example's gradient clipped to 1. Clipping
    // shrinks the steps, so the private runs use a larger learning rate (0.5 instead of 0.05), as DP-SGD usually does.
    private static Curve AdultSample(RunConfig config) => new(
        "adult",
        "sample (DP-SGD)",
        config with { Evaluation = config.Evaluation with { EveryRounds = 0, Centralized = false } },
        [null, 2.0, 1.0, 0.6],
        DpSgd(learningRate: 0.5f),
        SameRateBaseline: true);

    // Softmax regression; 1,000 parties of 60 images, 100 per round, 40 rounds; updates clipped to 1.
    private static Curve FashionClient() => new(
        "fmnist",
        "client (DP-FedAvg)",
        FashionSoftmax("fmnist-dp-client", rounds: 40, parties: 1000, new TrainingConfig { Epochs = 2, BatchSize = 10, LearningRate = 0.05f }) with
        {
            Sampling = new SamplingConfig { Fraction = 0.1 },
        },
        [null, 3.0, 1.5, 1.0],
        ClientDp(clipNorm: 1.0));

    // Softmax regression; 10 parties of 6,000 images, 5 rounds of one epoch at batch 64; gradients clipped to 1; the
    // private runs at learning rate 2.0 instead of 0.1 (clipped gradients of 784 standardised pixels are short).
    private static Curve FashionSample() => new(
        "fmnist",
        "sample (DP-SGD)",
        FashionSoftmax("fmnist-dp-sample", rounds: 5, parties: 10, new TrainingConfig { Epochs = 1, BatchSize = 64, LearningRate = 0.1f }),
        [null, 2.0, 1.0, 0.6],
        DpSgd(learningRate: 2.0f),
        SameRateBaseline: true);

    // Softmax regression on Fashion-MNIST, IID parties, evaluated after the last round.
    private static RunConfig FashionSoftmax(string name, int rounds, int parties, TrainingConfig training) => new()
    {
        Name = name,
        Seed = 42,
        Rounds = rounds,
        Model = new ModelConfig { Type = ModelType.Softmax },
        Training = training,
        Partition = new PartitionConfig { Parties = parties, Scheme = PartitionScheme.Iid },
        Evaluation = new EvaluationConfig { EveryRounds = 0 },
    };

    // DP-FedAvg with the noise at the coordinator and every update clipped to clipNorm.
    private static Func<RunConfig, double, RunConfig> ClientDp(double clipNorm) =>
        (run, sigma) => run with { Privacy = new PrivacyOptions { Client = new ClientPrivacyOptions { NoiseMultiplier = sigma, ClipNorm = clipNorm } } };

    // DP-SGD with every example's gradient clipped to 1, at a learning rate suited to the short clipped gradients.
    private static Func<RunConfig, double, RunConfig> DpSgd(float learningRate) =>
        (run, sigma) => run with
        {
            Training = run.Training with { LearningRate = learningRate },
            Privacy = new PrivacyOptions { Sample = new SamplePrivacyOptions { NoiseMultiplier = sigma, ClipNorm = 1.0 } },
        };
}
