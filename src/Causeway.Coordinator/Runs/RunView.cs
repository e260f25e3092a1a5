using System.Text.Json;
using Causeway.Coordinator.Storage;

namespace Causeway.Coordinator.Runs;

/// <summary>
/// How the control API shows runs and rounds, from the <see cref="IRunStore"/>'s records, so a run's history reads the
/// same after a coordinator restart.
/// </summary>
internal static class RunView
{
    public static RunSummary Summary(RunRecord run, IReadOnlyList<RoundRecord> rounds)
    {
        var (state, error) = run.Status switch
        {
            RunStatus.Completed => (RunState.Completed, run.StatusMessage),
            RunStatus.Failed => (RunState.Failed, run.StatusMessage),
            RunStatus.Stopped => (RunState.Stopped, run.StatusMessage),
            _ => (RunState.Interrupted, run.StatusMessage ?? "the coordinator stopped during the run; it resumes from the last closed round"),
        };
        var last = rounds.Count == 0 ? 0 : rounds[^1].Round;
        var finished = run.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Stopped ? run.UpdatedAt : (DateTimeOffset?)null;
        return new RunSummary(
            run.RunId, state, run.Name, TotalRounds(run.ConfigJson), last, rounds.Count, rounds.Count(r => !r.Succeeded), run.CreatedAt, finished, error);
    }

    /// <param name="round">The round as stored (or about to be).</param>
    public static RoundView Round(RoundRecord round)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["selected"] = round.Selected,
            ["succeeded"] = round.Succeeded ? 1 : 0,
            ["seconds"] = round.Seconds,
            ["bytes"] = round.Bytes,
        };
        Add(metrics, "train_loss", round.TrainLoss);
        Add(metrics, "eval_loss", round.EvaluationLoss);
        Add(metrics, "eval_accuracy", round.Accuracy);
        if (round.Privacy is { } privacy)
        {
            Add(metrics, "epsilon", privacy.ClientEpsilon);
            Add(metrics, "sample_epsilon", privacy.SampleEpsilon);
            Add(metrics, "delta", privacy.Delta);
            Add(metrics, "clip_norm", privacy.ClipNorm);
        }

        Add(metrics, "slowest_party_seconds", round.SlowestTrainSeconds);
        AddEvaluation(metrics, round.EvaluationExamples, round.RocAuc, round.F1, round.Rmse, round.Mae);

        var failures = round.Parties
            .Where(p => p.Outcome != PartyOutcome.Accepted)
            .Select(p => $"{p.Party}: {p.Outcome}: {p.Reason}")
            .ToList();
        return new RoundView(round.Round, round.Participants, failures, metrics, round.ClosedAt)
        {
            Evaluations = [.. round.PartyEvaluations.Select(p =>
            {
                var own = new Dictionary<string, double>(StringComparer.Ordinal);
                Add(own, "eval_loss", p.Evaluation.Loss);
                Add(own, "eval_accuracy", p.Evaluation.Accuracy);
                AddEvaluation(own, p.Evaluation.Examples, p.Evaluation.RocAuc, p.Evaluation.F1, p.Evaluation.Rmse, p.Evaluation.Mae);
                return new PartyEvaluationView(p.Party.Value, own);
            })],
            Parties = [.. round.Parties.Select(p => new PartyRoundView(
                p.Party.Value, p.Outcome.ToString().ToLowerInvariant(), p.Outcome == PartyOutcome.Accepted ? null : p.Reason, p.Examples))],
        };
    }

    private static void AddEvaluation(Dictionary<string, double> metrics, int? examples, double? rocAuc, double? f1, double? rmse, double? mae)
    {
        Add(metrics, "eval_examples", examples);
        Add(metrics, "eval_roc_auc", rocAuc);
        Add(metrics, "eval_f1", f1);
        Add(metrics, "eval_rmse", rmse);
        Add(metrics, "eval_mae", mae);
    }

    private static void Add(Dictionary<string, double> metrics, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            metrics[name] = v;
        }
    }

    private static int TotalRounds(string configJson) =>
        ConfigValue(configJson, root => root.TryGetProperty("rounds", out var rounds) && rounds.TryGetInt32(out var n) ? n : 0);

    /// <summary>The configuration's <c>privacy.epsilonBudget</c>, or null.</summary>
    public static double? EpsilonBudget(string configJson) => ConfigValue(configJson, root =>
        root.TryGetProperty("privacy", out var privacy) && privacy.ValueKind == JsonValueKind.Object
        && privacy.TryGetProperty("epsilonBudget", out var budget) && budget.TryGetDouble(out var epsilon) ? epsilon : (double?)null);

    // A value read from the stored configuration (validated when the run started), or the default of T when unreadable.
    private static T? ConfigValue<T>(string configJson, Func<JsonElement, T> read)
    {
        try
        {
            using var document = JsonDocument.Parse(configJson, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object ? read(document.RootElement) : default;
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
