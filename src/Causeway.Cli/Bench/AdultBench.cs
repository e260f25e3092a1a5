using Causeway.Cli.Composition;
using Causeway.Federation.Configuration;
using Spectre.Console;

namespace Causeway.Cli.Bench;

/// <summary>
/// Issue 2's quality targets on UCI Adult, each run from a configuration file in <c>samples/configs</c> (so
/// <c>causeway simulate --config FILE</c> reruns it) with its centralized baseline of the same kind, trained by the
/// simulator on the same split.
/// </summary>
/// <remarks>
/// Targets: (a) IID FedAvg's final test accuracy within 1.0 point of the centralized model's; (b) under Dirichlet
/// α = 0.3 label skew, FedProx or FedAdam within 3.0 points of centralized (FedAvg is run for comparison).
/// </remarks>
internal static class AdultBench
{
    /// <summary>A configuration file and the target group it belongs to.</summary>
    public sealed record Case(string Label, string File, string Group);

    public const string IidGroup = "iid";
    public const string SkewGroup = "dirichlet-0.3";

    public static IReadOnlyList<Case> Cases { get; } =
    [
        new("LR IID FedAvg", "adult-bench-lr-iid-fedavg.json", IidGroup),
        new("LR Dir(0.3) FedAvg", "adult-bench-lr-dir03-fedavg.json", SkewGroup),
        new("LR Dir(0.3) FedProx", "adult-bench-lr-dir03-fedprox.json", SkewGroup),
        new("LR Dir(0.3) FedAdam", "adult-bench-lr-dir03-fedadam.json", SkewGroup),
        new("MLP IID FedAvg", "adult-bench-mlp-iid-fedavg.json", "mlp-iid"),
    ];

    public static async Task<IReadOnlyList<(Case Case, BenchRun Run)>> RunAsync(
        string configDirectory, IReadOnlyCollection<string>? only, ProgressContext progress, CancellationToken cancellationToken)
    {
        var runs = new List<(Case, BenchRun)>();
        foreach (var c in Cases)
        {
            if (only is { Count: > 0 } && !only.Contains(c.Group) && !only.Contains(c.File))
            {
                continue;
            }

            var path = Path.Combine(configDirectory, c.File);
            var config = RunConfigFile.Load(path);
            RunConfigFile.Validate(config, path, RunSite.SimulationFromFiles);
            var data = ExperimentData.Load(config, path);
            var run = await BenchRunner.RunAsync(c.Label, config, data.Simulation, null, progress, printRounds: false, cancellationToken).ConfigureAwait(false);
            runs.Add((c, run));
        }

        return runs;
    }

    /// <summary>Federated minus centralized final test accuracy, in points; null when either is missing.</summary>
    public static double? Gap(BenchRun run) =>
        run.Report.Final?.Accuracy is { } f && run.Report.Centralized?.Accuracy is { } c ? (f - c) * 100 : null;
}
