using System.Text.Json.Nodes;
using Causeway.Federation.Configuration;
using Causeway.Federation.Reporting;

namespace Causeway.Cli.Bench;

/// <summary>One measured federation: its configuration, its report and how the machine was used.</summary>
/// <param name="Label">A short name for tables.</param>
/// <param name="Config">The configuration that ran (after any bench overrides).</param>
/// <param name="Report">Rounds, final and centralized metrics, as <c>causeway simulate --report</c> writes them.</param>
/// <param name="TargetAccuracy">The accuracy the run stopped at, or null when it ran all its rounds.</param>
/// <param name="ReachedRound">The first evaluated round whose accuracy was at least the target, or null.</param>
/// <param name="WallSeconds">Wall time of the simulation (partitioning, rounds, evaluation, baseline).</param>
/// <param name="CpuSeconds">Process CPU time over the same span (all threads), for the parallelism check.</param>
internal sealed record BenchRun(
    string Label,
    RunConfig Config,
    RunReport Report,
    double? TargetAccuracy,
    int? ReachedRound,
    double WallSeconds,
    double CpuSeconds)
{
    /// <summary>Mean busy cores: CPU seconds per wall second.</summary>
    public double CoresBusy => WallSeconds > 0 ? CpuSeconds / WallSeconds : 0;

    /// <summary>The best evaluated accuracy of the run, or null.</summary>
    public double? BestAccuracy => Report.Rounds.Max(r => r.Accuracy);

    /// <summary>The JSON of this run: the run report's fields plus the configuration and the machine use.</summary>
    public JsonObject ToJson()
    {
        var json = JsonNode.Parse(Report.ToJson())!.AsObject();
        json["label"] = Label;
        json["target_accuracy"] = TargetAccuracy;
        json["reached_round"] = ReachedRound;
        json["wall_seconds"] = WallSeconds;
        json["cpu_seconds"] = CpuSeconds;
        json["cores_busy"] = CoresBusy;
        json["config"] = JsonNode.Parse(Config.ToJson());
        return json;
    }
}
