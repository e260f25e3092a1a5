using System.Text.Json.Nodes;
using Causeway.Core.Metrics;

namespace Causeway.Cli.Output;

/// <summary>The JSON shape of an <see cref="Evaluation"/> in every report: accuracy and loss always, the rest when known.</summary>
internal static class EvaluationJson
{
    public static JsonObject From(Evaluation evaluation)
    {
        var json = new JsonObject
        {
            ["accuracy"] = evaluation.Accuracy,
            ["loss"] = evaluation.Loss,
            ["examples"] = evaluation.Examples,
        };
        AddIfKnown(json, "auc", evaluation.RocAuc);
        AddIfKnown(json, "f1", evaluation.F1);
        AddIfKnown(json, "rmse", evaluation.Rmse);
        AddIfKnown(json, "mae", evaluation.Mae);
        return json;
    }

    private static void AddIfKnown(JsonObject json, string name, double? value)
    {
        if (value is { } known)
        {
            json[name] = known;
        }
    }
}
