using System.Runtime.InteropServices;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Tests.Horizontal;

/// <summary>
/// The round engine aggregates every plain round into one buffer it owns (docs/adr/0010-reused-aggregation-buffers.md):
/// the results are those of a fresh buffer per round, and nothing handed out of the engine is overwritten later.
/// </summary>
public sealed class RoundEngineAggregateBufferTests
{
    private static readonly ParameterLayout Layout = new([new TensorSpec("w", [40, 25]), new TensorSpec("b", [25])]);

    public static TheoryData<StrategyKind, AggregationRule> Strategies => new()
    {
        { StrategyKind.FedAvg, AggregationRule.Mean },
        { StrategyKind.FedAdam, AggregationRule.Mean },
        { StrategyKind.FedAvgM, AggregationRule.Median },
        { StrategyKind.FedAvg, AggregationRule.TrimmedMean },
    };

    [Theory]
    [MemberData(nameof(Strategies))]
    public async Task RunAsync_ReusedAggregateBuffer_SameBitsAsAFreshBufferEveryRound(StrategyKind kind, AggregationRule rule)
    {
        var strategy = Strategy.Create(new StrategyOptions { Kind = kind, Fraction = 0.6, Aggregation = new AggregationOptions { Rule = rule } });
        var initial = TestData.Random(Layout, 5);
        var reusedObserver = new RecordingObserver();
        var freshObserver = new RecordingObserver();

        var reused = await Run(strategy, initial, reusedObserver);
        var fresh = await Run(strategy with { Aggregator = new FreshBufferAggregator(strategy.Aggregator) }, initial, freshObserver);

        Assert.Equal(6, reused.Rounds.Count(r => r.Succeeded));
        Assert.Equal(Bits(fresh.Global), Bits(reused.Global));
        Assert.Equal(freshObserver.Checkpoints.Select(c => Bits(c.Global)), reusedObserver.Checkpoints.Select(c => Bits(c.Global)));
        Assert.NotEqual(Bits(initial), Bits(reused.Global));
    }

    [Fact]
    public async Task RunAsync_SeveralRounds_BeginsEveryRoundIntoOneBufferThatNeverLeavesTheEngine()
    {
        var recording = new RecordingAggregator(new WeightedMeanAggregator());
        var tasks = new List<(ParameterSet Global, int[] Bits)>();
        var observer = new RecordingObserver();

        var result = await Run(TestData.FedAvg() with { Aggregator = recording }, TestData.Random(Layout, 5), observer, tasks);

        var buffer = Assert.Single(recording.Destinations.Distinct());
        Assert.Equal(6, recording.Destinations.Count);
        Assert.DoesNotContain(buffer, tasks.Select(t => t.Global));
        Assert.DoesNotContain(buffer, observer.Checkpoints.Select(c => c.Global));
        Assert.NotSame(buffer, result.Global);
    }

    [Fact]
    public async Task RunAsync_ObserverAndPartiesKeepTheModelsTheyWereGiven_LaterRoundsDoNotOverwriteThem()
    {
        var kept = new KeepingObserver();
        var tasks = new List<(ParameterSet Global, int[] Bits)>();

        await Run(TestData.FedAvg(), TestData.Random(Layout, 5), kept, tasks);

        // Every round's checkpoint and every task's global model still hold the bits they had when handed out.
        Assert.Equal(6, kept.Checkpoints.Count);
        Assert.Equal(6, kept.Checkpoints.Select(c => c.Global).Distinct().Count());
        Assert.All(kept.Checkpoints, c => Assert.Equal(c.Bits, Bits(c.Global)));
        Assert.Equal(30, tasks.Count);
        Assert.All(tasks, t => Assert.Equal(t.Bits, Bits(t.Global)));
    }

    [Fact]
    public async Task RunAsync_OptimizerReturnsTheAggregate_ThrowsNamingTheOptimizer()
    {
        var strategy = TestData.FedAvg() with { CreateServerOptimizer = () => new AggregateAsModel() };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Run(strategy, TestData.Random(Layout, 5), null));

        Assert.Contains(nameof(AggregateAsModel), error.Message, StringComparison.Ordinal);
    }

    private static Task<RunResult> Run(Strategy strategy, ParameterSet initial, IRunObserver? observer, List<(ParameterSet Global, int[] Bits)>? tasks = null)
    {
        var options = new RoundEngineOptions { Strategy = strategy, Rounds = 6, Seed = 17, FoldOrder = FoldOrder.Selection };
        return new RoundEngine(options).RunAsync(initial, TestData.Parties(5), ScriptedChannel(tasks), null, observer, null, CancellationToken.None);
    }

    /// <summary>Deltas depend on the global model and the task seed only; about one party in five sends NaN and is rejected.</summary>
    private static FakeChannel ScriptedChannel(List<(ParameterSet Global, int[] Bits)>? tasks) => new((party, task, _) =>
    {
        if (tasks is not null)
        {
            lock (tasks)
            {
                tasks.Add((task.Global, Bits(task.Global)));
            }
        }

        var noise = new Random((int)(task.Seed % int.MaxValue));
        var delta = new ParameterSet(task.Global.Layout);
        for (var i = 0; i < delta.Length; i++)
        {
            delta.Values[i] = (-0.2f * task.Global.Values[i]) + (float)(noise.NextDouble() - 0.5);
        }

        if (task.Seed % 5 == 0)
        {
            delta.Values[3] = float.NaN;
        }

        return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 1 + (int)(task.Seed % 40), 0.5)));
    });

    private static int[] Bits(ParameterSet set) => MemoryMarshal.Cast<float, int>(set.Values).ToArray();

    /// <summary>Aggregates into a new set every round and copies the result into the engine's buffer: the old behaviour.</summary>
    private sealed class FreshBufferAggregator(IAggregator inner) : IAggregator
    {
        public IAggregation Begin(ParameterSet destination, RoundInfo round) =>
            new Aggregation(inner.Begin(new ParameterSet(destination.Layout), round), destination);

        private sealed class Aggregation(IAggregation inner, ParameterSet destination) : IAggregation
        {
            public int Count => inner.Count;

            public string? Problem => inner.Problem;

            public void Accept(PartyUpdate update) => inner.Accept(update);

            public ParameterSet Complete()
            {
                inner.Complete().Values.CopyTo(destination.Values);
                return destination;
            }
        }
    }

    private sealed class RecordingAggregator(IAggregator inner) : IAggregator
    {
        public List<ParameterSet> Destinations { get; } = [];

        public IAggregation Begin(ParameterSet destination, RoundInfo round)
        {
            Destinations.Add(destination);
            return inner.Begin(destination, round);
        }
    }

    /// <summary>Keeps each checkpoint's model by reference, as an observer that persists later would, with its bits at hand-over.</summary>
    private sealed class KeepingObserver : IRunObserver
    {
        public List<(ParameterSet Global, int[] Bits)> Checkpoints { get; } = [];

        public ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            Checkpoints.Add((checkpoint.Global, Bits(checkpoint.Global)));
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>A broken optimizer that adopts the aggregate as the next model.</summary>
    private sealed class AggregateAsModel : IServerOptimizer
    {
        public ParameterSet Step(ParameterSet global, ParameterSet aggregatedDelta, RoundInfo round) => aggregatedDelta;

        public ParameterSet? SaveState() => null;

        public void RestoreState(ParameterSet state) => throw new NotSupportedException();
    }
}
