using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

public sealed class RoundEngineTests
{
    private static readonly ParameterLayout Layout = TestData.Layout();

    [Fact]
    public async Task RunAsync_AllPartiesAnswer_AppliesExampleWeightedMean()
    {
        var channel = new FakeChannel((party, task, _) =>
        {
            var i = party == TestData.Party(0) ? 0 : 1;
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(i == 0 ? 1f : 5f);
            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, i == 0 ? 1 : 3, i == 0 ? 0.2 : 0.6)));
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1 });
        var initial = new ParameterSet(Layout);

        var result = await engine.RunAsync(initial, TestData.Parties(2), channel, null, null, null, CancellationToken.None);

        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(4f, v));
        var round = Assert.Single(result.Rounds);
        Assert.Equal(2, round.Participants);
        Assert.True(round.Succeeded);
        Assert.Equal(((1 * 0.2) + (3 * 0.6)) / 4, round.TrainLoss!.Value, 1e-12);
        Assert.Equal(2L * 4 * Layout.TotalLength, round.Bytes);
        Assert.All(initial.Values.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public async Task RunAsync_PartiesReportTrainSeconds_SummaryHoldsSlowestAccepted()
    {
        var wrong = new ParameterLayout([new TensorSpec("layer0.weight", [3, 2]), new TensorSpec("layer0.bias", [3])]);
        var seconds = new[] { 0.5, 2.5, 1.25 };
        var channel = new FakeChannel((party, task, _) =>
        {
            var i = Enumerable.Range(0, 4).First(k => TestData.Party(k) == party);

            // Party 3 is slower than all but is rejected (wrong layout): its time must not count.
            var update = i == 3
                ? new PartyUpdate(party, new ParameterSet(wrong), 5, 0.1, TrainSeconds: 9.0)
                : new PartyUpdate(party, new ParameterSet(task.Global.Layout), 5, 0.1, TrainSeconds: seconds[i]);
            return Task.FromResult(PartyReply.Success(update));
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(4), channel, null, null, null, CancellationToken.None);

        var round = Assert.Single(result.Rounds);
        Assert.Equal(3, round.Participants);
        Assert.Equal(2.5, round.SlowestTrainSeconds);

        // Every accepted update, and only those, is recorded with its weight, time and size (never its values).
        Assert.Equal(
            Enumerable.Range(0, 3).Select(i => new PartyContribution(TestData.Party(i), 5, 0.1, seconds[i], 4L * Layout.TotalLength)).ToHashSet(),
            round.Contributions.ToHashSet());
    }

    [Fact]
    public async Task RunAsync_NoUpdateAccepted_SlowestTrainSecondsIsNull()
    {
        var channel = new FakeChannel((party, task, _) =>
            Task.FromResult(PartyReply.Success(new PartyUpdate(party, new ParameterSet(task.Global.Layout), 0, 0.1, TrainSeconds: 3.0))));
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(1), channel, null, null, null, CancellationToken.None);

        Assert.Null(Assert.Single(result.Rounds).SlowestTrainSeconds);
    }

    [Fact]
    public async Task RunAsync_PartyNeverAnswers_RecordedAsStragglerAfterDeadline()
    {
        var never = new TaskCompletionSource<PartyReply>();
        var answering = FakeChannel.Constant(2f);
        var channel = new FakeChannel((party, task, ct) =>
            party == TestData.Party(1) ? never.Task : answering.TrainAsync(party, task, ct));
        var engine = new RoundEngine(new RoundEngineOptions
        {
            Strategy = TestData.FedAvg(),
            Rounds = 1,
            Deadline = TimeSpan.FromMilliseconds(200),
        });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), channel, null, null, null, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(10));

        var round = Assert.Single(result.Rounds);
        var failure = Assert.Single(round.Failures);
        Assert.Equal(FailureKind.Straggler, failure.Kind);
        Assert.Equal(TestData.Party(1), failure.Party);
        Assert.Equal(1, round.Participants);
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(2f, v));
        Assert.InRange(round.Seconds, 0.15, 5);
    }

    [Fact]
    public async Task RunAsync_DropoutAndThrowingChannel_RecordedAsDropouts()
    {
        var answering = FakeChannel.Constant(1f);
        var channel = new FakeChannel((party, task, ct) => party.Value switch
        {
            "party-001" => Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "battery low"))),
            "party-002" => throw new IOException("connection reset"),
            _ => answering.TrainAsync(party, task, ct),
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(3), channel, null, null, null, CancellationToken.None);

        var round = Assert.Single(result.Rounds);
        Assert.Equal(1, round.Participants);
        Assert.Equal([FailureKind.Dropout, FailureKind.Dropout], round.Failures.Select(f => f.Kind));
        Assert.Equal("battery low", round.Failures[0].Reason);
        Assert.Contains("connection reset", round.Failures[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NaNUpdate_RejectedAndRunContinues()
    {
        var channel = new FakeChannel((party, task, _) =>
        {
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(1f);
            if (party == TestData.Party(0))
            {
                delta.Values[3] = float.NaN;
            }

            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 5, 0.1)));
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 3 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), channel, null, null, null, CancellationToken.None);

        Assert.Equal(3, result.Rounds.Count);
        Assert.All(result.Rounds, r =>
        {
            var failure = Assert.Single(r.Failures);
            Assert.Equal(FailureKind.NonFinite, failure.Kind);
            Assert.Equal("the delta contains NaN or infinite values", failure.Reason);
            Assert.Equal(1, r.Participants);
        });
        Assert.Null(result.Failure);
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(3f, v));
    }

    [Fact]
    public async Task RunAsync_WrongLayout_RejectedWithMismatchText()
    {
        var wrong = new ParameterLayout([new TensorSpec("layer0.weight", [3, 2]), new TensorSpec("layer0.bias", [3])]);
        var answering = FakeChannel.Constant(1f);
        var channel = new FakeChannel((party, task, ct) => party == TestData.Party(0)
            ? Task.FromResult(PartyReply.Success(new PartyUpdate(party, new ParameterSet(wrong), 5, 0.1)))
            : answering.TrainAsync(party, task, ct));
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), channel, null, null, null, CancellationToken.None);

        var failure = Assert.Single(result.Rounds[0].Failures);
        Assert.Equal(FailureKind.Rejected, failure.Kind);
        Assert.Contains("layer0.weight[2x3]", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("layer0.weight[3x2]", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ZeroExamples_Rejected()
    {
        var channel = new FakeChannel((party, task, _) =>
            Task.FromResult(PartyReply.Success(new PartyUpdate(party, new ParameterSet(task.Global.Layout), 0, 0.1))));
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(1), channel, null, null, null, CancellationToken.None);

        Assert.Equal(FailureKind.Rejected, Assert.Single(result.Rounds[0].Failures).Kind);
        Assert.False(result.Rounds[0].Succeeded);
    }

    [Fact]
    public async Task RunAsync_FewerThanMinResults_RoundFailsAndGlobalUnchanged()
    {
        var answering = FakeChannel.Constant(7f);
        var channel = new FakeChannel((party, task, ct) => party == TestData.Party(0)
            ? answering.TrainAsync(party, task, ct)
            : Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "offline"))));
        var evaluations = 0;
        var evaluator = new FakeEvaluator(() => Interlocked.Increment(ref evaluations));
        var observer = new RecordingObserver();
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 2, MinResults = 2 });
        var initial = TestData.Random(Layout, 1);

        var result = await engine.RunAsync(initial, TestData.Parties(3), channel, evaluator, observer, null, CancellationToken.None);

        Assert.All(result.Rounds, r => Assert.False(r.Succeeded));
        Assert.Equal(initial.Values.ToArray(), result.Global.Values.ToArray());
        Assert.Equal(2, observer.Summaries.Count);
        Assert.Equal(2, evaluations);
        Assert.Equal(2, observer.Checkpoints[^1].LastClosedRound);
    }

    [Fact]
    public async Task RunAsync_EvaluateEveryTwoRounds_EvaluatesEvenRoundsAndLast()
    {
        var evaluator = new FakeEvaluator(() => { });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 5, EvaluateEveryRounds = 2 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), FakeChannel.Constant(1f), evaluator, null, null, CancellationToken.None);

        Assert.Equal([false, true, false, true, true], result.Rounds.Select(r => r.Evaluation is not null));
        Assert.Same(result.Rounds[^1].Evaluation, result.Final);
    }

    [Fact]
    public async Task RunAsync_ResumeFromCheckpointAfterCrash_SameResultAsUninterrupted()
    {
        // FedAdam state, partial selection and replies arriving out of order all have to survive the crash.
        var strategy = Strategy.Create(new StrategyOptions { Kind = StrategyKind.FedAdam, Fraction = 0.5 });
        var options = new RoundEngineOptions { Strategy = strategy, Rounds = 5, Seed = 99, FoldOrder = FoldOrder.Selection };
        var parties = TestData.Parties(8);
        var initial = TestData.Random(Layout, 3);

        var uninterruptedObserver = new RecordingObserver();
        var uninterrupted = await new RoundEngine(options).RunAsync(initial, parties, JitteryChannel(), null, uninterruptedObserver, null, CancellationToken.None);

        var crashing = new RecordingObserver { CrashAfterRound = 2 };
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new RoundEngine(options).RunAsync(initial, parties, JitteryChannel(), null, crashing, null, CancellationToken.None));
        var resumedObserver = new RecordingObserver();
        var resumed = await new RoundEngine(options).RunAsync(initial, parties, JitteryChannel(), null, resumedObserver, crashing.Checkpoints[^1], CancellationToken.None);

        Assert.Equal([3, 4, 5], resumed.Rounds.Select(r => r.Round));
        Assert.Equal(uninterruptedObserver.Selections.Skip(2), resumedObserver.Selections);
        Assert.Equal(uninterrupted.Global.Values.ToArray(), resumed.Global.Values.ToArray());
        Assert.Equal(uninterrupted.OptimizerState!.Values.ToArray(), resumed.OptimizerState!.Values.ToArray());
        Assert.NotEqual(initial.Values.ToArray(), resumed.Global.Values.ToArray());
    }

    [Fact]
    public async Task RunAsync_ManySynchronousReplies_HoldsOnlyABoundedNumberOfUpdates()
    {
        var large = new ParameterLayout([new TensorSpec("w", [10_000])]);
        var alive = new List<WeakReference>();
        var maxAlive = 0;
        var channel = new FakeChannel((party, task, _) =>
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            maxAlive = Math.Max(maxAlive, alive.Count(w => w.IsAlive));
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(1f);
            alive.Add(new WeakReference(delta));
            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 1, 0)));
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1 });

        var result = await engine.RunAsync(new ParameterSet(large), TestData.Parties(60), channel, null, null, null, CancellationToken.None);

        Assert.Equal(60, result.Rounds[0].Participants);
        Assert.InRange(maxAlive, 0, 2);
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(1f, v, 1e-6f));
    }

    [Fact]
    public async Task RunAsync_SelectionOrderWithReversedArrivals_ParksOnlyOutOfOrderUpdates()
    {
        // Each party answers after a delay that shrinks with its index, so replies arrive in reverse order.
        var channel = new FakeChannel(async (party, task, ct) =>
        {
            var index = int.Parse(party.Value[6..], System.Globalization.CultureInfo.InvariantCulture);
            await Task.Delay(TimeSpan.FromMilliseconds((4 - index) * 40), ct);
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(index);
            return PartyReply.Success(new PartyUpdate(party, delta, 1, 0));
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1, FoldOrder = FoldOrder.Selection });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(5), channel, null, null, null, CancellationToken.None);

        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(2f, v));
    }

    [Theory]
    [InlineData(StrategyKind.FedProx, 3, 16, 0.25f)]
    [InlineData(StrategyKind.FedSgd, 1, 0, 0f)]
    [InlineData(StrategyKind.FedAvg, 3, 16, 0f)]
    public async Task RunAsync_Strategy_AdjustsThePlanPartiesReceive(StrategyKind kind, int epochs, int batchSize, float mu)
    {
        var plans = new List<Core.Training.TrainingPlan>();
        var answering = FakeChannel.Constant(1f);
        var channel = new FakeChannel((party, task, ct) =>
        {
            lock (plans)
            {
                plans.Add(task.Plan);
            }

            return answering.TrainAsync(party, task, ct);
        });
        var strategy = Strategy.Create(new StrategyOptions { Kind = kind, ProximalMu = 0.25f });
        var engine = new RoundEngine(new RoundEngineOptions
        {
            Strategy = strategy,
            Rounds = 1,
            Plan = new Core.Training.TrainingPlan { Epochs = 3, BatchSize = 16 },
        });

        await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), channel, null, null, null, CancellationToken.None);

        Assert.Equal(2, plans.Count);
        Assert.All(plans, p => Assert.Equal((epochs, batchSize, mu), (p.Epochs, p.BatchSize, p.ProximalMu)));
    }

    [Fact]
    public async Task RunAsync_SameSeed_SameTaskSeedsAndDistinctAcrossParties()
    {
        var seeds = new List<(int Round, string Party, ulong Seed)>();
        var answering = FakeChannel.Constant(1f);
        FakeChannel Recording() => new((party, task, ct) =>
        {
            lock (seeds)
            {
                seeds.Add((task.Round.Round, party.Value, task.Seed));
            }

            return answering.TrainAsync(party, task, ct);
        });
        var options = new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 2, Seed = 5 };

        await new RoundEngine(options).RunAsync(new ParameterSet(Layout), TestData.Parties(3), Recording(), null, null, null, CancellationToken.None);
        var first = seeds.Order().ToList();
        seeds.Clear();
        await new RoundEngine(options).RunAsync(new ParameterSet(Layout), TestData.Parties(3), Recording(), null, null, null, CancellationToken.None);

        Assert.Equal(first, seeds.Order().ToList());
        Assert.Equal(6, first.Select(s => s.Seed).Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        var channel = new FakeChannel(async (party, task, ct) =>
        {
            await cts.CancelAsync();
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1 });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), channel, null, null, null, cts.Token));
    }

    /// <summary>Deltas depend on the global model and the task seed only; answers arrive after random delays.</summary>
    private static FakeChannel JitteryChannel()
    {
        var jitter = new Random(1234);
        return new FakeChannel(async (party, task, ct) =>
        {
            int delay;
            lock (jitter)
            {
                delay = jitter.Next(0, 15);
            }

            await Task.Delay(delay, ct);
            var noise = new Random((int)(task.Seed % int.MaxValue));
            var delta = new ParameterSet(task.Global.Layout);
            for (var i = 0; i < delta.Length; i++)
            {
                delta.Values[i] = (-0.3f * task.Global.Values[i]) + (float)(noise.NextDouble() - 0.5);
            }

            return PartyReply.Success(new PartyUpdate(party, delta, 1 + (int)(task.Seed % 50), 0.5));
        });
    }

    private sealed class FakeEvaluator(Action onEvaluate) : IGlobalEvaluator
    {
        public Task<GlobalEvaluation?> EvaluateAsync(ParameterSet global, RoundInfo round, CancellationToken cancellationToken)
        {
            onEvaluate();
            return Task.FromResult<GlobalEvaluation?>(new GlobalEvaluation(new Evaluation(10, round.Round, Accuracy: 0.5), []));
        }
    }
}
