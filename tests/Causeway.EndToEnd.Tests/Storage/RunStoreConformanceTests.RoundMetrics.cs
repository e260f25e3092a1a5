using Causeway.Coordinator.Storage;
using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

/// <summary>
/// Every metric of a round survives a reopen (nothing the round engine reported is lost on a restart): the evaluation's
/// examples, ROC AUC, F1, RMSE and MAE, the slowest party's training time, the failure's problem text, the privacy spent.
/// </summary>
public abstract partial class RunStoreConformanceTests
{
    [StoreFact]
    public async Task CloseRound_EveryMetricSet_ReadBackEqualAfterReopen()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var failed = new RoundRecord
        {
            RunId = "run-1",
            Round = 1,
            Selected = 4,
            Participants = 1,
            Failures = 3,
            Succeeded = false,
            TrainLoss = 0.6931471805599453,
            EvaluationLoss = 0.6931471805599453,
            Accuracy = 0.5,
            EvaluationExamples = 16281,
            RocAuc = 0.8953125,
            F1 = 0.6666666666666666,
            Rmse = double.PositiveInfinity, // ±∞ is kept; only NaN becomes null
            Mae = 1e-300,
            Bytes = 123_456_789_012,
            Seconds = 31.5,
            SlowestTrainSeconds = 29.999999,
            Problem = "too few updates: 1 of 2 required by round.minResults — \"hospital-c\" timed out",
            ClosedAt = T0.AddMinutes(1),
            Privacy = new RoundPrivacy(1.25, null, 1e-5, 1.0, 1.1, 0.5, "balle2020"),
            Parties = [new PartyRoundRecord(new PartyId("a"), PartyOutcome.Accepted, null, 40, 0.5, 4096)],
            PartyEvaluations =
            [
                new PartyEvaluation(new PartyId("a"), new Evaluation(60, 0.41, Accuracy: 0.8, RocAuc: 0.875, F1: 0.75)),
                new PartyEvaluation(new PartyId("b"), new Evaluation(7, double.NaN, Rmse: 2.5, Mae: 1.5)),
            ],
        };

        await store.CloseRoundAsync(failed, CheckpointFor(1), None);
        var read = Assert.Single(await (await OpenStoreAsync()).GetRoundsAsync("run-1", None));

        AssertRoundEqual(failed, read);
    }

    [StoreFact]
    public async Task CloseRound_ClipOnlyPrivacy_StoresAnUnboundedEpsilon()
    {
        // A noise multiplier of 0 (clipping only) spends ε = ∞; the round is stored, not failed.
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var round = Round("run-1", 1) with { Privacy = new RoundPrivacy(double.PositiveInfinity, null, 1e-5, 0.5, 0, 1, "balle2020") };

        await store.CloseRoundAsync(round, CheckpointFor(1), None);
        var read = Assert.Single(await (await OpenStoreAsync()).GetRoundsAsync("run-1", None));

        Assert.Equal(double.PositiveInfinity, read.Privacy!.ClientEpsilon);
        AssertRoundEqual(round, read);
    }

    [StoreFact]
    public async Task CloseRound_AsynchronousUpdateVersions_ReadBackEqualAfterReopen()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var round = Round("run-1", 4) with
        {
            Parties =
            [
                new PartyRoundRecord(new PartyId("fast"), PartyOutcome.Accepted, null, 40, 0.5, 4096, TrainedOnVersion: 3, AppliedToVersion: 3, StalenessWeight: 1),
                new PartyRoundRecord(new PartyId("slow"), PartyOutcome.Accepted, null, 30, 0.25, 4096, TrainedOnVersion: 1, AppliedToVersion: 3, StalenessWeight: 1 / Math.Sqrt(3)),
                new PartyRoundRecord(new PartyId("slowest"), PartyOutcome.Rejected, "trained on model version 0, 3 versions behind version 3; updates.maxStaleness is 2", 0, null, 0, TrainedOnVersion: 0, AppliedToVersion: 3, StalenessWeight: 0),
                new PartyRoundRecord(new PartyId("gone"), PartyOutcome.Dropout, "the party is not connected", 0, null, 0),
            ],
        };

        await store.CloseRoundAsync(round, CheckpointFor(4), None);
        var read = Assert.Single(await (await OpenStoreAsync()).GetRoundsAsync("run-1", None));

        AssertRoundEqual(round, read);
        Assert.Equal([0, 2, 3, null], read.Parties.Select(p => p.Staleness));
    }

    [StoreFact]
    public async Task CloseRound_NaNInEveryOptionalMetric_ReadBackAsNullAndZeroOrEmptyKept()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var round = Round("run-1", 1) with
        {
            RocAuc = double.NaN,
            F1 = double.NaN,
            Rmse = double.NaN,
            Mae = double.NaN,
            SlowestTrainSeconds = double.NaN,
            EvaluationExamples = 0,
            Problem = string.Empty,
        };

        await store.CloseRoundAsync(round, CheckpointFor(1), None);
        var read = Assert.Single(await store.GetRoundsAsync("run-1", None));

        Assert.Equal(
            (null, null, null, null, null),
            (read.RocAuc, read.F1, read.Rmse, read.Mae, read.SlowestTrainSeconds));
        Assert.Equal((0, string.Empty), (read.EvaluationExamples, read.Problem));
        AssertRoundEqual(round with { RocAuc = null, F1 = null, Rmse = null, Mae = null, SlowestTrainSeconds = null }, read);
    }

    [StoreFact]
    public async Task CloseRound_NoEvaluation_ReadsNullMetrics()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);
        var round = Round("run-1", 1) with
        {
            EvaluationLoss = null,
            Accuracy = null,
            EvaluationExamples = null,
            RocAuc = null,
            F1 = null,
            Rmse = null,
            Mae = null,
            SlowestTrainSeconds = null,
        };

        await store.CloseRoundAsync(round, CheckpointFor(1), None);

        AssertRoundEqual(round, Assert.Single(await store.GetRoundsAsync("run-1", None)));
    }

    [StoreFact]
    public async Task CloseRound_NegativeEvaluationExamples_ThrowsAndWritesNothing()
    {
        var store = await OpenStoreAsync();
        await store.CreateRunAsync("run-1", "r", "{}", T0, None);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => store.CloseRoundAsync(Round("run-1", 1) with { EvaluationExamples = -1 }, CheckpointFor(1), None));

        Assert.Empty(await store.GetRoundsAsync("run-1", None));
        Assert.Null(await store.LoadLatestCheckpointAsync("run-1", None));
    }
}
