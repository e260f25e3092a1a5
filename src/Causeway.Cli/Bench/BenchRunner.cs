using System.Diagnostics;
using Causeway.Cli.Output;
using Causeway.Federation;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Reporting;
using Causeway.Federation.Simulation;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Runs one simulation under a progress bar, printing a line per round, and optionally stops it at the first
/// evaluated round that reaches a target accuracy (the "rounds to target" measurement of McMahan et al. 2017).
/// </summary>
internal static class BenchRunner
{
    public static async Task<BenchRun> RunAsync(
        string label,
        RunConfig config,
        SimulationData data,
        double? targetAccuracy,
        ProgressContext progress,
        bool printRounds,
        CancellationToken cancellationToken,
        SimulatorOptions? options = null)
    {
        var bar = progress.AddTask(Markup.Escape($"{label}: {config.Strategy.Name}, {config.Partition.EffectiveParties} parties"), maxValue: config.Rounds);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var observer = new Observer(bar, targetAccuracy, stop, printRounds);
        var process = Process.GetCurrentProcess();
        var cpuStart = process.TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        RunReport report;
        try
        {
            var result = await new Simulator(options).RunAsync(config, data, observer, stop.Token).ConfigureAwait(false);
            report = RunReport.From(config.Name, result);
        }
        catch (OperationCanceledException) when (observer.ReachedRound is not null && !cancellationToken.IsCancellationRequested)
        {
            // Stopped on purpose at the target: report the rounds that ran; the last evaluation is the final one.
            var rounds = observer.Rounds
                .Select(r => new RoundReport(r.Round, r.Evaluation?.Loss, r.Evaluation?.Accuracy, r.Participants, r.Failures.Count, r.Bytes, r.Seconds))
                .ToList();
            var last = observer.Rounds.Last(r => r.Evaluation is not null).Evaluation!;
            report = new RunReport(config.Name, rounds, new MetricsReport(last.Accuracy, last.Loss), null, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        var wall = Stopwatch.GetElapsedTime(start).TotalSeconds;
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpuStart).TotalSeconds;
        bar.Value = bar.MaxValue;
        return new BenchRun(label, config, report, targetAccuracy, observer.ReachedRound, wall, cpu);
    }

    private sealed class Observer(ProgressTask bar, double? target, CancellationTokenSource stop, bool printRounds) : IRunObserver
    {
        public List<RoundSummary> Rounds { get; } = [];

        public int? ReachedRound { get; private set; }

        public ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            Rounds.Add(summary);
            if (printRounds && (summary.Evaluation is not null || summary.Round == 1))
            {
                AnsiConsole.MarkupLine(Markup.Escape(RoundProgress.Describe(summary)));
            }

            bar.Increment(1);
            if (target is { } t && ReachedRound is null && summary.Evaluation?.Accuracy >= t)
            {
                ReachedRound = summary.Round;
                stop.Cancel();
            }

            return ValueTask.CompletedTask;
        }
    }
}
