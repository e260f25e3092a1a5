using Causeway.Federation.Horizontal;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// Converts between the round engine's results (<see cref="RoundSummary"/>, <see cref="RunCheckpoint"/>) and
/// the store's records, so an <see cref="IRunObserver"/> can persist a round in one call and a run can resume from
/// <see cref="IRunStore.LoadLatestCheckpointAsync"/>.
/// </summary>
public static class RoundEngineMapping
{
    /// <summary>
    /// The store's record of a closed round: every metric of the summary and of its evaluation, the slowest party's
    /// training time and the failure's problem text. Party rows: one per accepted update in aggregation order, then one
    /// per failure in the summary's order.
    /// </summary>
    public static RoundRecord ToRoundRecord(this RoundSummary summary, string runId, DateTimeOffset closedAt)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentException.ThrowIfNullOrWhiteSpace(runId);
        var parties = new List<PartyRoundRecord>(summary.Contributions.Count + summary.Failures.Count);

        // Asynchronous rounds hold each party at most once, with the versions it connects.
        var versions = summary.Versions.ToDictionary(v => v.Party);
        foreach (var contribution in summary.Contributions)
        {
            parties.Add(WithVersion(
                new PartyRoundRecord(
                    contribution.Party,
                    PartyOutcome.Accepted,
                    Reason: null,
                    contribution.Examples,
                    double.IsFinite(contribution.TrainLoss) ? contribution.TrainLoss : null,
                    contribution.Bytes),
                versions));
        }

        foreach (var failure in summary.Failures)
        {
            parties.Add(WithVersion(new PartyRoundRecord(failure.Party, ToOutcome(failure.Kind), failure.Reason, Examples: 0, TrainLoss: null, Bytes: 0), versions));
        }

        return new RoundRecord
        {
            RunId = runId,
            Round = summary.Round,
            Selected = summary.Selected,
            Participants = summary.Participants,
            Failures = summary.Failures.Count,
            Succeeded = summary.Succeeded,
            TrainLoss = summary.TrainLoss,
            EvaluationLoss = summary.Evaluation?.Loss,
            Accuracy = summary.Evaluation?.Accuracy,
            EvaluationExamples = summary.Evaluation?.Examples,
            RocAuc = summary.Evaluation?.RocAuc,
            F1 = summary.Evaluation?.F1,
            Rmse = summary.Evaluation?.Rmse,
            Mae = summary.Evaluation?.Mae,
            Bytes = summary.Bytes,
            Seconds = summary.Seconds,
            SlowestTrainSeconds = summary.SlowestTrainSeconds,
            Problem = summary.Problem,
            ClosedAt = closedAt,
            Parties = parties,
            Privacy = summary.Privacy,
            PartyEvaluations = summary.PartyEvaluations,
        };
    }

    /// <summary>What to store for the engine's checkpoint (the parameter sets are only read).</summary>
    public static Checkpoint ToCheckpoint(this RunCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new Checkpoint(checkpoint.Global, checkpoint.OptimizerState, checkpoint.PrivacyState);
    }

    /// <summary>The checkpoint to resume the engine from: it continues at round <c>LastClosedRound + 1</c>.</summary>
    /// <param name="stored">The run's latest checkpoint.</param>
    /// <param name="closedRounds">
    /// The run's closed rounds (<see cref="IRunStore.GetRoundsAsync"/>), which give the engine what its checkpoints do not
    /// store: how many rounds failed, and the first round's training loss the divergence rule may compare with.
    /// </param>
    public static RunCheckpoint ToRunCheckpoint(this StoredCheckpoint stored, IReadOnlyList<RoundRecord> closedRounds)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(closedRounds);
        var before = closedRounds.Where(r => r.Round <= stored.LastClosedRound).OrderBy(r => r.Round).ToList();
        return new RunCheckpoint(
            stored.LastClosedRound,
            stored.Global,
            stored.OptimizerState,
            stored.PrivacyState,
            DegradedRounds: before.Count(r => !r.Succeeded),
            ReferenceLoss: before.FirstOrDefault(r => r.TrainLoss is > 0 and < double.PositiveInfinity)?.TrainLoss);
    }

    private static PartyRoundRecord WithVersion(PartyRoundRecord record, Dictionary<Federation.PartyId, Federation.Horizontal.Buffered.UpdateVersion> versions) =>
        versions.TryGetValue(record.Party, out var version)
            ? record with { TrainedOnVersion = version.TrainedOn, AppliedToVersion = version.AppliedTo, StalenessWeight = version.Weight }
            : record;

    /// <summary>The stored outcome of a failure; a stale update is a rejected one (its reason and versions say why).</summary>
    public static PartyOutcome ToOutcome(this FailureKind kind) => kind switch
    {
        FailureKind.Straggler => PartyOutcome.Straggler,
        FailureKind.Dropout => PartyOutcome.Dropout,
        FailureKind.Rejected or FailureKind.NonFinite or FailureKind.Stale => PartyOutcome.Rejected,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown failure kind."),
    };
}
