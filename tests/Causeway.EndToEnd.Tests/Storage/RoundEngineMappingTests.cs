using Causeway.Coordinator.Storage;
using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using static Causeway.EndToEnd.Tests.Storage.StorageTestData;

namespace Causeway.EndToEnd.Tests.Storage;

public sealed class RoundEngineMappingTests
{
    [Fact]
    public void ToRoundRecord_SummaryWithFailures_MapsMetricsAndAppendsFailureRows()
    {
        var summary = new RoundSummary(
            Round: 4,
            Selected: 3,
            Participants: 1,
            Failures:
            [
                new PartyFailure(new PartyId("c"), FailureKind.Straggler, "deadline"),
                new PartyFailure(new PartyId("b"), FailureKind.Rejected, "NaN in update"),
            ],
            Succeeded: true,
            TrainLoss: 0.75,
            Evaluation: new Evaluation(Examples: 50, Loss: 0.5, Accuracy: 0.9, RocAuc: 0.95, F1: 0.8, Rmse: 0.3, Mae: 0.2),
            Seconds: 2.5,
            Bytes: 4096,
            SlowestTrainSeconds: 1.25,
            Contributions: [new PartyContribution(new PartyId("a"), 120, 0.75, 1.25, 4096)]);

        var record = summary.ToRoundRecord("run-1", T0);

        var expected = new RoundRecord
        {
            RunId = "run-1",
            Round = 4,
            Selected = 3,
            Participants = 1,
            Failures = 2,
            Succeeded = true,
            TrainLoss = 0.75,
            EvaluationLoss = 0.5,
            Accuracy = 0.9,
            EvaluationExamples = 50,
            RocAuc = 0.95,
            F1 = 0.8,
            Rmse = 0.3,
            Mae = 0.2,
            Bytes = 4096,
            Seconds = 2.5,
            SlowestTrainSeconds = 1.25,
            ClosedAt = T0,
            Parties =
            [
                new PartyRoundRecord(new PartyId("a"), PartyOutcome.Accepted, null, 120, 0.75, 4096),
                new PartyRoundRecord(new PartyId("c"), PartyOutcome.Straggler, "deadline", 0, null, 0),
                new PartyRoundRecord(new PartyId("b"), PartyOutcome.Rejected, "NaN in update", 0, null, 0),
            ],
        };
        AssertRoundEqual(expected, record);
    }

    [Fact]
    public void ToRoundRecord_FailedRoundWithoutEvaluation_KeepsProblemAndPrivacy_MetricsNull()
    {
        var privacy = new RoundPrivacy(0.5, 2.0, 1e-5, 1.0, 1.1, 0.25, "classic");
        var summary = new RoundSummary(
            Round: 2,
            Selected: 2,
            Participants: 0,
            Failures: [new PartyFailure(new PartyId("a"), FailureKind.Dropout, "disconnected")],
            Succeeded: false,
            TrainLoss: null,
            Evaluation: null,
            Seconds: 30,
            Bytes: 0,
            SlowestTrainSeconds: null,
            Contributions: null,
            Problem: "too few updates: 0 of 1 required by round.minResults",
            Privacy: privacy);

        var record = summary.ToRoundRecord("run-1", T0);

        Assert.Equal(
            (false, "too few updates: 0 of 1 required by round.minResults", privacy),
            (record.Succeeded, record.Problem, record.Privacy));
        Assert.Equal(
            new double?[] { null, null, null, null, null, null, null, null },
            [record.TrainLoss, record.EvaluationLoss, record.Accuracy, record.RocAuc, record.F1, record.Rmse, record.Mae, record.SlowestTrainSeconds]);
        Assert.Null(record.EvaluationExamples);
        Assert.Equal(new PartyRoundRecord(new PartyId("a"), PartyOutcome.Dropout, "disconnected", 0, null, 0), Assert.Single(record.Parties));
    }

    [Fact]
    public void ToRunCheckpoint_StoredCheckpoint_KeepsRoundAndParameters()
    {
        var global = Parameters(1);
        var state = Parameters(2);

        var resumed = new StoredCheckpoint("run-1", 7, global, state).ToRunCheckpoint([]);
        var stored = new RunCheckpoint(7, global, null).ToCheckpoint();

        Assert.Equal((7, global, state), (resumed.LastClosedRound, resumed.Global, resumed.OptimizerState));
        Assert.Equal((global, (Causeway.Core.Tensors.ParameterSet?)null), (stored.Global, stored.OptimizerState));
    }

    [Fact]
    public void ToRunCheckpoint_ClosedRounds_CountsFailedRoundsAndTakesTheFirstLossUpToTheCheckpoint()
    {
        RoundRecord[] rounds =
        [
            Round("run-1", 1) with { Succeeded = false, TrainLoss = null },
            Round("run-1", 2) with { Succeeded = true, TrainLoss = 0.69 },
            Round("run-1", 3) with { Succeeded = false, TrainLoss = 0.5 },
            Round("run-1", 4) with { Succeeded = false, TrainLoss = 0.4 },
        ];

        var resumed = new StoredCheckpoint("run-1", 3, Parameters(1), null).ToRunCheckpoint(rounds);

        Assert.Equal((2, (double?)0.69), (resumed.DegradedRounds, resumed.ReferenceLoss));
    }
}
