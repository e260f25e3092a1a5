using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Causeway.Cli.Output;

/// <summary>How a vertical job's status from the control API (<c>GET /api/vertical/jobs/{id}</c>) is shown: a progress bar per stage and a result table.</summary>
internal static class VerticalJobView
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Returns a callback that moves one bar per stage (PSI, training) of <paramref name="progress"/> to each status it is given.</summary>
    public static Action<JsonNode> ProgressBars(ProgressContext progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
        return status =>
        {
            if (status["progress"] is not { } p || p["stage"]?.GetValue<string>() is not { } stage)
            {
                return;
            }

            if (!tasks.TryGetValue(stage, out var task))
            {
                tasks[stage] = task = progress.AddTask(stage == "psi" ? "PSI (IDs)" : "training (batches)");
            }

            task.MaxValue = Math.Max(1, p["total"]!.GetValue<double>());
            task.Value = p["done"]!.GetValue<double>();
        };
    }

    /// <summary>The completed job's result (<c>result</c> of the status): the PSI, and the training and held-out scores when the job trained.</summary>
    public static Table ResultTable(JsonNode result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var alignment = result["alignment"]!;
        var table = new Table().AddColumns("stage", "result");
        table.AddRow("PSI", Markup.Escape(string.Create(
            Invariant,
            $"{alignment["intersection"]} common IDs (guest {alignment["guestIds"]}, hosts {string.Join(", ", alignment["hostIds"]!.AsArray())}) in {alignment["seconds"]!.GetValue<double>():F1} s, {alignment["relayedBytes"]!.GetValue<long>() / 1e6:F1} MB relayed")));
        if (result["training"] is { } training)
        {
            var evaluation = training["evaluation"]!;
            table.AddRow("training", Markup.Escape(string.Create(
                Invariant,
                $"{training["trainRows"]} rows, features {string.Join(" + ", training["features"]!.AsArray())}, {training["epochs"]} epochs, {training["secondsPerEpoch"]!.GetValue<double>():F2} s/epoch")));
            table.AddRow("held-out", Markup.Escape(string.Create(
                Invariant,
                $"{evaluation["rows"]} rows: accuracy {evaluation["accuracy"]!.GetValue<double>():F4}, AUC {evaluation["auc"]!.GetValue<double>():F4}, loss {evaluation["loss"]!.GetValue<double>():F4}")));
        }

        return table;
    }
}
