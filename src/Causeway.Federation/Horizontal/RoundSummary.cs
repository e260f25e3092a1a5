using Causeway.Core.Metrics;
using Causeway.Federation.Horizontal.DifferentialPrivacy;

namespace Causeway.Federation.Horizontal;

/// <summary>What happened in one closed round. Plain data: the model itself travels in a <see cref="RunCheckpoint"/>.</summary>
/// <param name="Round">The round number, from 1.</param>
/// <param name="Selected">How many parties were sent a training task.</param>
/// <param name="Participants">How many updates were accepted into the aggregate.</param>
/// <param name="Failures">The selected parties that contributed nothing, and why, in selection order.</param>
/// <param name="Succeeded">
/// True when at least the minimum number of updates was accepted and the global model was stepped; false when the
/// round failed and the global model is unchanged.
/// </param>
/// <param name="TrainLoss">The example-weighted mean of the accepted parties' training losses; null when none reported a finite loss.</param>
/// <param name="Evaluation">The global model's evaluation after this round, when the round was evaluated.</param>
/// <param name="Seconds">Wall time of the round, evaluation included.</param>
/// <param name="Bytes">Size of the updates received (accepted or rejected), at 4 bytes per value.</param>
/// <param name="SlowestTrainSeconds">
/// The largest local training wall time reported by an accepted party, in seconds; null when no update was accepted.
/// <c>Seconds − SlowestTrainSeconds</c> bounds what the round spent outside the parties' training (transport,
/// aggregation, evaluation, waiting).
/// </param>
/// <param name="Contributions">The accepted updates (party, examples, loss, time, size) in the order they were aggregated.</param>
/// <param name="Problem">
/// Why the round failed (too few updates for round.minResults or for the aggregation rule); null when it succeeded.
/// </param>
/// <param name="Privacy">The (ε, δ) the run has spent after this round when it is differentially private; null otherwise.</param>
public sealed record RoundSummary(
    int Round,
    int Selected,
    int Participants,
    IReadOnlyList<PartyFailure> Failures,
    bool Succeeded,
    double? TrainLoss,
    Evaluation? Evaluation,
    double Seconds,
    long Bytes,
    double? SlowestTrainSeconds = null,
    IReadOnlyList<PartyContribution>? Contributions = null,
    string? Problem = null,
    RoundPrivacy? Privacy = null)
{
    /// <summary>The accepted updates in aggregation order; empty when none was accepted (or none recorded).</summary>
    public IReadOnlyList<PartyContribution> Contributions { get; init; } = Contributions ?? [];

    /// <summary>
    /// Asynchronous runs (<see cref="Buffered.BufferedRoundEngine"/>): per update resolved in this buffer, accepted or refused
    /// as stale, the model version it was trained on and applied to and its staleness weight; empty for synchronous rounds.
    /// </summary>
    public IReadOnlyList<Buffered.UpdateVersion> Versions { get; init; } = [];

    /// <summary>When the round was evaluated by the parties: each one's own figures for the global model (<see cref="GlobalEvaluation.Parties"/>); else empty.</summary>
    public IReadOnlyList<PartyEvaluation> PartyEvaluations { get; init; } = [];
}
