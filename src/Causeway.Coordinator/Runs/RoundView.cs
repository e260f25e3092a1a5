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

    /// <summary>Every party selected for the round and what became of its update: which were averaged, which were not and why.</summary>
    public IReadOnlyList<PartyRoundView> Parties { get; init; } = [];
}

/// <summary>One selected party's part in a round.</summary>
/// <param name="Party">The party.</param>
/// <param name="Outcome">"accepted" (its update was aggregated), "straggler" (missed the deadline), "dropout" (left or sent nothing) or "rejected" (its update was refused).</param>
/// <param name="Reason">Why it was not accepted, for people (never tensor values); null when accepted.</param>
/// <param name="Examples">The training examples behind its update (0 when it sent none).</param>
public sealed record PartyRoundView(string Party, string Outcome, string? Reason, int Examples);

/// <summary>One party's evaluation figures in a round.</summary>
public sealed record PartyEvaluationView(string Party, IReadOnlyDictionary<string, double> Metrics);
