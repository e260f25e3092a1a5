using Causeway.Cli.Composition;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Simulation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Simulation speed: seconds per round (and rounds per second) with every party training each round on the Adult
/// logistic-regression task, and per-round seconds of the Fashion-MNIST 2NN task with 10% of 100 parties sampled.
/// Evaluation runs only after the last round, so the median round is pure train + aggregate.
/// </summary>
internal static class SimulationSpeedBench
{
    /// <summary>One speed measurement: the best of <see cref="Repeats"/> runs by median round time.</summary>
    /// <remarks>Best-of-N because on a shared machine other processes only ever make a run slower.</remarks>
    public sealed record Measurement(string Task, int Parallelism, BenchRun Run, IReadOnlyList<double> RepeatMedians)
    {
        public int Repeats => RepeatMedians.Count;

        public double MedianRoundSeconds => MedianOf(Run);

        public double RoundsPerSecond => 1 / MedianRoundSeconds;

        /// <summary>Rounds per second over all rounds, the last round's evaluation included.</summary>
        public double OverallRoundsPerSecond => Run.Report.Rounds.Count / Run.Report.Rounds.Sum(r => r.Seconds);
    }

    public static async Task<IReadOnlyList<Measurement>> RunAsync(
        string adultConfigPath,
        string? fashionMnistDirectory,
        IReadOnlyList<int> adultParties,
        int adultRounds,
        IReadOnlyList<int> fmnistEpochs,
        int fmnistRounds,
        IReadOnlyList<int> parallelism,
        int repeats,
        ProgressContext progress,
        CancellationToken cancellationToken)
    {
        var results = new List<Measurement>();
        var adultConfig = RunConfigFile.Load(adultConfigPath);
        var adult = ExperimentData.Load(adultConfig, adultConfigPath).Simulation;
        foreach (var parties in adultParties)
        foreach (var workers in parallelism)
        {
            var config = adultConfig with
            {
                Name = $"speed-adult-lr-{parties}",
                Rounds = adultRounds,
                Training = adultConfig.Training with { Epochs = 1 },
                Strategy = new StrategyConfig { Name = StrategyKind.FedAvg },
                Sampling = new SamplingConfig { Fraction = 1.0 },
                Partition = new PartitionConfig { Parties = parties, Scheme = PartitionScheme.Iid },
                Evaluation = new EvaluationConfig { EveryRounds = 0, Centralized = false },
            };
            var (run, medians) = await BestOfAsync(
                repeats, () => BenchRunner.RunAsync(
                    $"adult LR, {parties} parties, {workers} workers", config, adult, null, progress, printRounds: false, cancellationToken, Options(workers)))
                .ConfigureAwait(false);
            results.Add(new Measurement($"Adult LR, {parties} parties, all per round, E={config.Training.Epochs} B={config.Training.BatchSize}", workers, run, medians));
        }

        if (fashionMnistDirectory is not null && fmnistEpochs.Count > 0)
        {
            var data = FashionMnistData.Load(fashionMnistDirectory);
            var settings = new FashionMnistBench.Settings { FedAvgMaxRounds = fmnistRounds };
            foreach (var epochs in fmnistEpochs)
            foreach (var workers in parallelism)
            {
                var config = FashionMnistBench.FedAvg(settings, epochs, 10) with
                {
                    Name = $"speed-fmnist-2nn-e{epochs}",
                    Evaluation = new EvaluationConfig { EveryRounds = 0 },
                };
                var (run, medians) = await BestOfAsync(
                    repeats, () => BenchRunner.RunAsync(
                        $"fmnist 2NN E={epochs}, {workers} workers", config, data, null, progress, printRounds: false, cancellationToken, Options(workers)))
                    .ConfigureAwait(false);
                results.Add(new Measurement($"F-MNIST 2NN, 100 parties, 10% per round, E={epochs} B=10", workers, run, medians));
            }
        }

        return results;
    }

    private static async Task<(BenchRun Best, IReadOnlyList<double> Medians)> BestOfAsync(int repeats, Func<Task<BenchRun>> measure)
    {
        BenchRun? best = null;
        var medians = new List<double>(repeats);
        for (var i = 0; i < repeats; i++)
        {
            var run = await measure().ConfigureAwait(false);
            medians.Add(MedianOf(run));
            if (best is null || MedianOf(run) < MedianOf(best))
            {
                best = run;
            }
        }

        return (best!, medians);
    }

    private static double MedianOf(BenchRun run) => Quantiles.Median(run.Report.Rounds.Select(r => r.Seconds));

    private static SimulatorOptions Options(int workers) => new() { MaxParallelism = workers };
}
