using Causeway.Coordinator.Storage;
using Causeway.Core.Metrics;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
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
            Evaluation: new Evaluation(Examples: 50, Loss: 0.5, Accuracy: 0.9),
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
            Bytes = 4096,
            Seconds = 2.5,
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
    public void ToRunCheckpoint_StoredCheckpoint_KeepsRoundAndParameters()
    {
        var global = Parameters(1);
        var state = Parameters(2);

        var resumed = new StoredCheckpoint("run-1", 7, global, state).ToRunCheckpoint();
        var stored = new RunCheckpoint(7, global, null).ToCheckpoint();

        Assert.Equal((7, global, state), (resumed.LastClosedRound, resumed.Global, resumed.OptimizerState));
        Assert.Equal((global, (Causeway.Core.Tensors.ParameterSet?)null), (stored.Global, stored.OptimizerState));
    }
}
