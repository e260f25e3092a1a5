using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Simulation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Rounds to a target test accuracy on Fashion-MNIST with the 2NN of McMahan et al. 2017 (784-200-200-10 MLP,
/// ReLU), 100 IID parties of 600 images, C = 0.1 of them per round: FedAvg (E = 5, B = 10) against FedSGD (E = 1,
/// full batch). The paper's Table 2 reports FedAvg needing 10x to 100x fewer rounds than FedSGD on MNIST.
/// </summary>
internal static class FashionMnistBench
{
    /// <summary>The settings of one bench invocation.</summary>
    public sealed record Settings
    {
        public double Target { get; init; } = 0.85;

        public int FedAvgMaxRounds { get; init; } = 200;

        public int FedSgdMaxRounds { get; init; } = 5000;

        public float FedAvgLearningRate { get; init; } = 0.1f;

        public float FedSgdLearningRate { get; init; } = 0.3f;

        public int FedSgdEvaluateEvery { get; init; } = 5;

        public int Parties { get; init; } = 100;

        public double Fraction { get; init; } = 0.1;

        public ulong Seed { get; init; } = 42;
    }

    public static RunConfig FedAvg(Settings s, int epochs = 5, int batchSize = 10) => Base(s) with
    {
        Name = $"fmnist-2nn-fedavg-e{epochs}-b{batchSize}",
        Rounds = s.FedAvgMaxRounds,
        Training = new TrainingConfig { Epochs = epochs, BatchSize = batchSize, LearningRate = s.FedAvgLearningRate },
        Strategy = new StrategyConfig { Name = StrategyKind.FedAvg },
        Evaluation = new EvaluationConfig { EveryRounds = 1 },
    };

    public static RunConfig FedSgd(Settings s) => Base(s) with
    {
        Name = "fmnist-2nn-fedsgd",
        Rounds = s.FedSgdMaxRounds,

        // FedSGD's plan is one full-batch epoch whatever the training section says; only the rate matters.
        Training = new TrainingConfig { Epochs = 1, BatchSize = 0, LearningRate = s.FedSgdLearningRate },
        Strategy = new StrategyConfig { Name = StrategyKind.FedSgd },
        Evaluation = new EvaluationConfig { EveryRounds = s.FedSgdEvaluateEvery },
    };

    private static RunConfig Base(Settings s) => new()
    {
        Seed = s.Seed,
        Model = new ModelConfig { Type = ModelType.Mlp, Hidden = [200, 200] },
        Sampling = new SamplingConfig { Fraction = s.Fraction },
        Partition = new PartitionConfig { Parties = s.Parties, Scheme = PartitionScheme.Iid },
    };

    public static Task<BenchRun> RunAsync(
        string label, RunConfig config, SimulationData data, double target, ProgressContext progress, CancellationToken cancellationToken) =>
        BenchRunner.RunAsync(label, config, data, target, progress, printRounds: true, cancellationToken);
}
