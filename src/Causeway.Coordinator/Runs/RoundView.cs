namespace Causeway.Coordinator.Runs;

/// <summary>One closed round as the control API shows it.</summary>
/// <param name="Round">The round number, from 1.</param>
/// <param name="Updates">Accepted party updates.</param>
/// <param name="Failures">One line per failed party ("party: kind: reason").</param>
/// <param name="Metrics">Named metrics such as "train_loss", "eval_accuracy".</param>
/// <param name="ClosedAt">When the round closed.</param>
public sealed record RoundView(int Round, int Updates, IReadOnlyList<string> Failures, IReadOnlyDictionary<string, double> Metrics, DateTimeOffset ClosedAt)
{
    /// <summary>
    /// Each party's own evaluation of the global model after the round, when the parties evaluated it: metrics named as
    /// the round's ("eval_accuracy", "eval_loss", "eval_examples", ...), over that party's evaluation rows alone.
    /// </summary>
    public IReadOnlyList<PartyEvaluationView> Evaluations { get; init; } = [];
}

/// <summary>One party's evaluation figures in a round.</summary>
public sealed record PartyEvaluationView(string Party, IReadOnlyDictionary<string, double> Metrics);
