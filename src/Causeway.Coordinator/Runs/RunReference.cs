using System.Text.Json;
using System.Text.Json.Serialization;

namespace Causeway.Coordinator.Runs;

/// <summary>
/// Figures of a model trained outside the federation, kept beside a run for comparison: in a simulation or a demo, the
/// centralised model trained on the pooled rows. The dashboard draws each as a flat line on the matching round curve.
/// Set by the operator (<c>PUT /api/runs/{id}/reference</c>); training never reads it.
/// </summary>
/// <param name="Label">What the figures are of, for people ("centralised").</param>
/// <param name="Metrics">Metrics named as the rounds' are: <see cref="MetricNames"/>.</param>
public sealed record RunReference(string Label, IReadOnlyDictionary<string, double> Metrics)
{
    /// <summary>The longest label, in characters.</summary>
    public const int MaxLabelLength = 64;

    /// <summary>The round metrics a reference may give.</summary>
    public static IReadOnlyList<string> MetricNames { get; } =
        ["eval_accuracy", "eval_loss", "eval_roc_auc", "eval_f1", "eval_rmse", "eval_mae"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Reads and checks a reference; the error names the field and what is allowed.</summary>
    public static (RunReference? Reference, string? Error) Parse(string json)
    {
        const string Example = "{\"label\": \"centralised\", \"metrics\": {\"eval_accuracy\": 0.853}}";
        Body? body;
        try
        {
            body = JsonSerializer.Deserialize<Body>(json, Json);
        }
        catch (JsonException e)
        {
            return (null, $"invalid reference: {e.Message} (expected {Example})");
        }

        if (body is not { Label: { Length: > 0 and <= MaxLabelLength } label, Metrics: { Count: > 0 } metrics } || label.Any(char.IsControl))
        {
            return (null, $"a reference needs a label of 1 to {MaxLabelLength} printable characters and at least one metric: {Example}");
        }

        if (metrics.Keys.FirstOrDefault(name => !MetricNames.Contains(name)) is { } unknown)
        {
            return (null, $"metrics.{unknown}: not a round metric; use {string.Join(", ", MetricNames)}");
        }

        if (metrics.FirstOrDefault(m => !double.IsFinite(m.Value)) is { Key: { } bad })
        {
            return (null, $"metrics.{bad}: must be a finite number");
        }

        return (new RunReference(label, metrics), null);
    }

    /// <summary>The reference as stored with the run.</summary>
    public string ToJson() => JsonSerializer.Serialize(new Body(Label, new Dictionary<string, double>(Metrics)), Json);

    /// <summary>A stored reference; null when the text is not one (a store written by hand).</summary>
    public static RunReference? FromStored(string? json) => json is null ? null : Parse(json).Reference;

    private sealed record Body(
        [property: JsonPropertyName("label")] string? Label,
        [property: JsonPropertyName("metrics")] Dictionary<string, double>? Metrics);
}
