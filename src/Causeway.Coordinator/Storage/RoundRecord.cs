using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;

namespace Causeway.Coordinator.Storage;

/// <summary>The metrics of one closed round, with one row per selected party.</summary>
/// <remarks>
/// Mirrors the round engine's <c>RoundSummary</c>, so nothing it reports is lost when the coordinator restarts.
/// Metrics absent before schema version 5 read back as null from older rows. NaN metrics are stored as null
/// (SQLite cannot hold NaN), so every store returns null for them; ±∞ is kept. Times are UTC with microsecond precision.
/// </remarks>
public sealed record RoundRecord
{
    public required string RunId { get; init; }

    /// <summary>The round number, from 1.</summary>
    public required int Round { get; init; }

    /// <summary>Parties sent a training task.</summary>
    public required int Selected { get; init; }

    /// <summary>Parties whose updates were aggregated.</summary>
    public required int Participants { get; init; }

    /// <summary>Selected parties that contributed nothing (stragglers, dropouts, rejected).</summary>
    public required int Failures { get; init; }

    /// <summary>False when too few updates arrived and the global model was left unchanged.</summary>
    public required bool Succeeded { get; init; }

    /// <summary>The example-weighted mean training loss of the accepted parties, or null.</summary>
    public double? TrainLoss { get; init; }

    /// <summary>The global model's evaluation loss after the round, or null when it was not evaluated.</summary>
    public double? EvaluationLoss { get; init; }

    /// <summary>The global model's evaluation accuracy in [0, 1] after the round, or null.</summary>
    public double? Accuracy { get; init; }

    /// <summary>How many examples the global model was evaluated on after the round, or null when it was not evaluated.</summary>
    public int? EvaluationExamples { get; init; }

    /// <summary>The area under the evaluation's ROC curve, in [0, 1]; null when not evaluated or not a binary classification.</summary>
    public double? RocAuc { get; init; }

    /// <summary>The evaluation's F1 score (positive class), in [0, 1]; null when not evaluated or not a binary classification.</summary>
    public double? F1 { get; init; }

    /// <summary>The evaluation's root mean squared error, in the label's units; null when not evaluated or not a regression.</summary>
    public double? Rmse { get; init; }

    /// <summary>The evaluation's mean absolute error, in the label's units; null when not evaluated or not a regression.</summary>
    public double? Mae { get; init; }

    /// <summary>
    /// The largest local training time an accepted party reported, in seconds; null when no update was accepted.
    /// <see cref="Seconds"/> minus it bounds what the round spent outside the parties' training.
    /// </summary>
    public double? SlowestTrainSeconds { get; init; }

    /// <summary>Why the round failed (too few updates...), as text for people; null when it succeeded.</summary>
    public string? Problem { get; init; }

    /// <summary>Bytes of updates received in the round.</summary>
    public long Bytes { get; init; }

    /// <summary>Wall-clock duration of the round in seconds, evaluation included.</summary>
    public double Seconds { get; init; }

    public required DateTimeOffset ClosedAt { get; init; }

    /// <summary>The (ε, δ) the run had spent after this round when it is differentially private; null otherwise.</summary>
    public RoundPrivacy? Privacy { get; init; }

    /// <summary>One row per selected party, in the order given; party ids are unique within a round.</summary>
    public IReadOnlyList<PartyRoundRecord> Parties { get; init; } = [];

    /// <summary>
    /// Each party's own figures for the global model after the round, when the parties evaluated it (schema version 8;
    /// empty before, and for rounds that were not evaluated).
    /// </summary>
    public IReadOnlyList<PartyEvaluation> PartyEvaluations { get; init; } = [];
}
