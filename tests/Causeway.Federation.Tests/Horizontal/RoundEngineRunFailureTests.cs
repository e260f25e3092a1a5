using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

/// <summary>When the round engine fails a run: too many failed (degraded) rounds, or divergence.</summary>
public sealed class RoundEngineRunFailureTests
{
    private static readonly ParameterLayout Layout = TestData.Layout();

    [Fact]
    public async Task RunAsync_EveryRoundButTheFirstBelowMinResults_FailsOnceMoreThanHalfTheRoundsFailed()
    {
        // The run: 30 rounds, one with enough updates, the others one short of round.minResults.
        var answering = FakeChannel.Constant(1f);
        var channel = new FakeChannel((party, task, ct) => party == TestData.Party(0) || task.Round.Round == 1
            ? answering.TrainAsync(party, task, ct)
            : Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "offline"))));
        var observer = new RecordingObserver();
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 30, MinResults = 2 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), channel, null, observer, null, CancellationToken.None);

        // ⌊0.5 × 30⌋ = 15 failed rounds are allowed: the 16th (round 17) fails the run, and is closed first.
        Assert.Equal((17, 16, 17), (result.Rounds.Count, result.DegradedRounds, observer.Summaries.Count));
        Assert.Equal(
            "16 of the run's 30 rounds failed, more than round.maxDegradedFraction (0.5) allows (15); round 17: 1 updates accepted; the round needs at least 2",
            result.Failure);
        Assert.Equal(16, observer.Checkpoints[^1].DegradedRounds);
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public async Task RunAsync_FailedRoundsWithinTheLimit_CompletesAndCountsThem()
    {
        var answering = FakeChannel.Constant(1f);
        var channel = new FakeChannel((party, task, ct) => task.Round.Round % 2 == 1
            ? answering.TrainAsync(party, task, ct)
            : Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "offline"))));
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 4 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), channel, null, null, null, CancellationToken.None);

        Assert.Equal((4, 2, (string?)null), (result.Rounds.Count, result.DegradedRounds, result.Failure));
    }

    [Fact]
    public async Task RunAsync_ResumedWithFailedRoundsBeforeTheCheckpoint_CountsThemTowardsTheLimit()
    {
        var channel = new FakeChannel((party, task, _) => Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "offline"))));
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 4, MaxDegradedFraction = 0.5 });
        var checkpoint = new RunCheckpoint(2, new ParameterSet(Layout), null, DegradedRounds: 2);

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(1), channel, null, null, checkpoint, CancellationToken.None);

        Assert.Equal(3, Assert.Single(result.Rounds).Round);
        Assert.StartsWith("3 of the run's 4 rounds failed", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_MaxDegradedFractionOne_NeverFailsTheRunForFailedRounds()
    {
        var channel = new FakeChannel((party, task, _) => Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "offline"))));
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 3, MaxDegradedFraction = 1 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(1), channel, null, null, null, CancellationToken.None);

        Assert.Equal((3, 3, (string?)null), (result.Rounds.Count, result.DegradedRounds, result.Failure));
    }

    [Fact]
    public async Task RunAsync_ClassifierWithAnExplodedFirstRoundLoss_DivergesInRoundOneAndClosesNothing()
    {
        // A learning rate of 1e30: the parties' cross-entropy is near 1e29 from the first round.
        var channel = new FakeChannel((party, task, _) =>
        {
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(1e29f);
            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 10, 1.2e29)));
        });
        var observer = new RecordingObserver();
        var options = new RoundEngineOptions
        {
            Strategy = TestData.FedAvg(),
            Rounds = 5,
            Divergence = DivergenceRule.For(ModelSpec.LogisticRegression(5), 1e6),
        };
        var initial = TestData.Random(Layout, 3);

        var result = await new RoundEngine(options).RunAsync(initial, TestData.Parties(2), channel, null, observer, null, CancellationToken.None);

        Assert.Empty(result.Rounds);
        Assert.Empty(observer.Summaries);
        Assert.Equal(initial.Values.ToArray(), result.Global.Values.ToArray());
        Assert.Equal(
            "round 1 diverged: the mean training loss 1.2E+29 exceeds 1E+06 (round.divergenceLossFactor) × the reference loss 0.6931; lower training.learningRate",
            result.Failure);
    }

    [Fact]
    public async Task RunAsync_RegressionLossGrowsAMillionfoldOverTheFirstRound_Diverges()
    {
        var channel = new FakeChannel((party, task, _) =>
        {
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(1f);
            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 10, task.Round.Round < 3 ? 2.0 : 2.5e6)));
        });
        var options = new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 5, Divergence = DivergenceRule.For(ModelSpec.LinearRegression(5), 1e6) };

        var result = await new RoundEngine(options).RunAsync(new ParameterSet(Layout), TestData.Parties(1), channel, null, null, null, CancellationToken.None);

        // Rounds 1 and 2 closed (loss 2, the reference); round 3's 2.5e6 exceeds 1e6 × 2 and is not.
        Assert.Equal(2, result.Rounds.Count);
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(2f, v));
        Assert.StartsWith("round 3 diverged: the mean training loss 2.5E+06 exceeds 1E+06 (round.divergenceLossFactor) × the reference loss 2;", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ResumedRegressionRun_ComparesWithTheCheckpointsReferenceLoss()
    {
        var channel = new FakeChannel((party, task, _) =>
            Task.FromResult(PartyReply.Success(new PartyUpdate(party, new ParameterSet(task.Global.Layout), 10, 3e6))));
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 5 });
        var checkpoint = new RunCheckpoint(2, new ParameterSet(Layout), null, ReferenceLoss: 2.0);

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(1), channel, null, null, checkpoint, CancellationToken.None);

        Assert.StartsWith("round 3 diverged: the mean training loss 3E+06", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_EveryUpdateNonFinite_Diverges()
    {
        var channel = new FakeChannel((party, task, _) =>
        {
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(1f);
            return Task.FromResult(PartyReply.Success(party == TestData.Party(0)
                ? new PartyUpdate(party, delta, 10, double.NaN)
                : new PartyUpdate(party, new ParameterSet(task.Global.Layout, [.. Enumerable.Repeat(float.PositiveInfinity, Layout.TotalLength)]), 10, 0.5)));
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 3 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), channel, null, null, null, CancellationToken.None);

        Assert.Empty(result.Rounds);
        Assert.Equal("round 1 diverged: every update that arrived (2) held NaN or infinite values; lower training.learningRate", result.Failure);
    }

    [Fact]
    public async Task RunAsync_GlobalModelOverflowsInTheServerStep_DivergesKeepingThePreviousModel()
    {
        var channel = FakeChannel.Constant(3e38f);
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 3 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(1), channel, null, null, null, CancellationToken.None);

        // Round 1 reaches 3e38; round 2 would overflow float32.
        Assert.Single(result.Rounds);
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(3e38f, v));
        Assert.StartsWith("round 2 diverged: the global model holds NaN or infinite values after the server step", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DegradedFractionOrLossFactorOutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), MaxDegradedFraction = 1.5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Divergence = new DivergenceRule { LossFactor = 1 } }));
    }
}
