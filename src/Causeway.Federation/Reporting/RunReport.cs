using System.Text.Json;
using System.Text.Json.Serialization;
using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Reporting;

/// <summary>
/// The JSON report of a run (the CLI's <c>--report</c>):
/// <c>{ "name", "rounds": [ { "round", "loss", "accuracy", "participants", "failures", "bytes", "seconds", "slowestPartySeconds",
/// "epsilon", "sampleEpsilon", "problem" } ], "final": { "accuracy", "loss" } | null, "centralized": { "accuracy", "loss" } | null,
/// "seconds", "privacy": { "epsilon", "sampleEpsilon", "delta", "conversion" } | null, "stoppedEarly", "degradedRounds", "failure" }</c>:
/// <c>degradedRounds</c> counts the rounds that failed (left the model unchanged); <c>failure</c> says why the run failed
/// (it diverged, or too many rounds failed), null when it did not.
/// </summary>
/// <remarks>
/// Absent values are written as <c>null</c>, never omitted. A diverged run's non-finite numbers are written as the
/// strings <c>"NaN"</c>, <c>"Infinity"</c> or <c>"-Infinity"</c>.
/// </remarks>
public sealed record RunReport(
    string Name,
    IReadOnlyList<RoundReport> Rounds,
    MetricsReport? Final,
    MetricsReport? Centralized,
    double Seconds,
    PrivacyReport? Privacy = null,
    string? StoppedEarly = null,
    int DegradedRounds = 0,
    string? Failure = null)
{
    private static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Builds the report of <paramref name="result"/>.</summary>
    public static RunReport From(string name, RunResult result)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(result);
        var rounds = result.Rounds
            .Select(r => new RoundReport(
                r.Round, r.Evaluation?.Loss, r.Evaluation?.Accuracy, r.Participants, r.Failures.Count, r.Bytes, r.Seconds, r.SlowestTrainSeconds,
                r.Privacy?.ClientEpsilon, r.Privacy?.SampleEpsilon, r.Problem))
            .ToList();
        var privacy = result.Rounds.LastOrDefault()?.Privacy is { } last
            ? new PrivacyReport(last.ClientEpsilon, last.SampleEpsilon, last.Delta, last.Conversion)
            : null;
        return new RunReport(name, rounds, Metrics(result.Final), Metrics(result.Centralized), result.Seconds, privacy, result.StoppedEarly, result.DegradedRounds, result.Failure);
    }

    /// <summary>The report as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, SerializerOptions);

    /// <summary>Writes the report as UTF-8 JSON to <paramref name="utf8Json"/> (left open).</summary>
    public Task WriteToAsync(Stream utf8Json, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        return JsonSerializer.SerializeAsync(utf8Json, this, SerializerOptions, cancellationToken);
    }

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">The text is not a report.</exception>
    public static RunReport Parse(string json) =>
        JsonSerializer.Deserialize<RunReport>(json, SerializerOptions) ?? throw new JsonException("The report is null.");

    private static MetricsReport? Metrics(Evaluation? evaluation) =>
        evaluation is null ? null : new MetricsReport(evaluation.Accuracy, evaluation.Loss, evaluation.RocAuc, evaluation.F1, evaluation.Rmse);
}
