using Causeway.Federation.Horizontal.DifferentialPrivacy;

namespace Causeway.Coordinator.Storage;

/// <summary>The metrics of one closed round, with one row per selected party.</summary>
/// <remarks>
/// Mirrors the round engine's <c>RoundSummary</c>. NaN metrics are stored as null (SQLite cannot hold NaN), so
/// both stores return null for them. Times are UTC with microsecond precision.
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

    /// <summary>Bytes of updates received in the round.</summary>
    public long Bytes { get; init; }

    /// <summary>Wall-clock duration of the round in seconds.</summary>
    public double Seconds { get; init; }

    public required DateTimeOffset ClosedAt { get; init; }

    /// <summary>The (ε, δ) the run had spent after this round when it is differentially private; null otherwise.</summary>
    public RoundPrivacy? Privacy { get; init; }

    /// <summary>One row per selected party, in the order given; party ids are unique within a round.</summary>
    public IReadOnlyList<PartyRoundRecord> Parties { get; init; } = [];
}
