using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Buffered;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Tests.Horizontal.Buffered;

/// <summary>
/// The asynchronous engine over a channel that answers at once: tasks arrive in the order they were sent, so which
/// updates are stale, and by how much, follows from the rules alone (see each test's comment).
/// </summary>
public sealed class BufferedRoundEngineTests
{
    private static readonly ParameterLayout Layout = TestData.Layout();

    private static RoundEngineOptions Options(int rounds, BufferedUpdates buffered) => new()
    {
        Strategy = TestData.FedAvg(),
        Rounds = rounds,
        Buffered = buffered,
        Seed = 7,
    };

    [Theory]
    [InlineData(StalenessFunction.Polynomial, 0, 0.5, 1.0)]
    [InlineData(StalenessFunction.Polynomial, 3, 0.5, 0.5)]
    [InlineData(StalenessFunction.Polynomial, 4, 1.0, 0.2)]
    [InlineData(StalenessFunction.Polynomial, 7, 0.0, 1.0)]
    [InlineData(StalenessFunction.Constant, 9, 0.5, 1.0)]
    public void StalenessWeight_Of_IsOnePlusTauToTheMinusA(StalenessFunction function, int staleness, double exponent, double expected)
    {
        Assert.Equal(expected, StalenessWeight.Of(function, staleness, exponent), 1e-15);
    }

    [Fact]
    public void StalenessWeight_NegativeStaleness_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StalenessWeight.Of(StalenessFunction.Polynomial, -1, 0.5));
    }

    [Fact]
    public async Task RunAsync_FourPartiesBufferOfTwo_StepsWithStalenessWeightedDeltas()
    {
        // Round 1 sends all four tasks on version 0 and applies p0, p1. Round 2 sends p0, p1 on version 1 behind p2, p3,
        // which are applied with staleness 1; and so on: every buffer after the first is one version stale.
        var engine = new BufferedRoundEngine(Options(4, new BufferedUpdates { BufferSize = 2 }));
        var observer = new RecordingObserver();

        var result = await engine.RunAsync(new ParameterSet(Layout), new FixedRoster(TestData.Parties(4)), FakeChannel.Constant(1f), null, observer, null, CancellationToken.None);

        Assert.Null(result.Failure);
        var weight = (float)Math.Pow(2, -0.5);
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(1f + (3 * weight), v, 1e-6f));
        Assert.Equal([1, 2, 3, 4], result.Rounds.Select(r => r.Round));
        Assert.All(result.Rounds, r => Assert.Equal((2, 2, true), (r.Participants, r.Selected, r.Succeeded)));
        Assert.Equal(
            [(0, 0, 0, 1.0), (1, 0, 0, 1.0)],
            result.Rounds[0].Versions.Select(v => (Index(v.Party), v.TrainedOn, v.AppliedTo, v.Weight)));
        Assert.Equal(
            [(2, 0, 1, Math.Pow(2, -0.5)), (3, 0, 1, Math.Pow(2, -0.5))],
            result.Rounds[1].Versions.Select(v => (Index(v.Party), v.TrainedOn, v.AppliedTo, v.Weight)));
        Assert.Equal(
            [(0, 1, 2), (1, 1, 2)],
            result.Rounds[2].Versions.Select(v => (Index(v.Party), v.TrainedOn, v.AppliedTo)));
        Assert.All(result.Rounds.Skip(1).SelectMany(r => r.Versions), v => Assert.Equal(1, v.Staleness));
        Assert.Equal(4, observer.Checkpoints.Count);
        Assert.Equal(result.Global.Values.ToArray(), observer.Checkpoints[^1].Global.Values.ToArray());
    }

    [Fact]
    public async Task RunAsync_MaxStalenessZero_RefusesStaleUpdatesAndRecordsThem()
    {
        // Round 2 finds p2, p3 (version 0) one version behind: refused as stale; p0, p1 (version 1) fill the buffer.
        // Round 3 sends all four on version 2 and applies p2, p3; round 4 refuses p0, p1 (version 2 at version 3).
        var engine = new BufferedRoundEngine(Options(4, new BufferedUpdates { BufferSize = 2, MaxStaleness = 0 }));

        var result = await engine.RunAsync(new ParameterSet(Layout), new FixedRoster(TestData.Parties(4)), FakeChannel.Constant(1f), null, null, null, CancellationToken.None);

        Assert.Null(result.Failure);
        var second = result.Rounds[1];
        Assert.Equal((4, 2), (second.Selected, second.Participants));
        Assert.Equal([(2, FailureKind.Stale), (3, FailureKind.Stale)], second.Failures.Select(f => (Index(f.Party), f.Kind)));
        Assert.Contains("trained on model version 0, 1 versions behind version 1; updates.maxStaleness is 0", second.Failures[0].Reason, StringComparison.Ordinal);
        Assert.Equal(
            [(2, 0, 1, 0.0), (3, 0, 1, 0.0), (0, 1, 1, 1.0), (1, 1, 1, 1.0)],
            second.Versions.Select(v => (Index(v.Party), v.TrainedOn, v.AppliedTo, v.Weight)));
        Assert.Equal([2, 3], result.Rounds[2].Contributions.Select(c => Index(c.Party)));
        Assert.Equal([0, 1], result.Rounds[3].Failures.Select(f => Index(f.Party)));
        Assert.All(result.Rounds.SelectMany(r => r.Versions).Where(v => v.Weight > 0), v => Assert.Equal(0, v.Staleness));

        // Every accepted update counts fully: four steps of +1.
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(4f, v));
    }

    [Fact]
    public async Task RunAsync_ExampleWeights_AreMultipliedByStalenessWeights()
    {
        // Round 2 applies p2 (30 examples) and p3 (10 examples), both one version stale, with deltas 2 and 6:
        // Δ = (30·s·2 + 10·s·6) / 40 = 3s with s = 2^-0.5.
        var channel = new FakeChannel((party, task, _) =>
        {
            var i = Index(party);
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(i switch { 2 => 2f, 3 => 6f, _ => 0f });
            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, i == 2 ? 30 : 10, 0.5)));
        });
        var engine = new BufferedRoundEngine(Options(2, new BufferedUpdates { BufferSize = 2 }));

        var result = await engine.RunAsync(new ParameterSet(Layout), new FixedRoster(TestData.Parties(4)), channel, null, null, null, CancellationToken.None);

        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(3f / MathF.Sqrt(2), v, 1e-6f));
    }

    [Fact]
    public async Task RunAsync_SameSeed_ReproducesModelAndVersions()
    {
        static FakeChannel Seeded() => new((party, task, _) =>
        {
            var delta = new ParameterSet(task.Global.Layout);
            var random = new Random(unchecked((int)task.Seed));
            for (var i = 0; i < delta.Length; i++)
            {
                delta.Values[i] = (float)random.NextDouble() - task.Global.Values[i];
            }

            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 5 + Index(party), 0.5)));
        });
        var options = Options(6, new BufferedUpdates { BufferSize = 3, Concurrency = 4 });

        var first = await new BufferedRoundEngine(options).RunAsync(TestData.Random(Layout, 1), new FixedRoster(TestData.Parties(5)), Seeded(), null, null, null, CancellationToken.None);
        var second = await new BufferedRoundEngine(options).RunAsync(TestData.Random(Layout, 1), new FixedRoster(TestData.Parties(5)), Seeded(), null, null, null, CancellationToken.None);
        var otherSeed = await new BufferedRoundEngine(options with { Seed = 8 }).RunAsync(TestData.Random(Layout, 1), new FixedRoster(TestData.Parties(5)), Seeded(), null, null, null, CancellationToken.None);

        Assert.Equal(first.Global.Values.ToArray(), second.Global.Values.ToArray());
        Assert.Equal(first.Rounds.SelectMany(r => r.Versions), second.Rounds.SelectMany(r => r.Versions));
        Assert.NotEqual(first.Global.Values.ToArray(), otherSeed.Global.Values.ToArray());
    }

    [Fact]
    public async Task RunAsync_ConcurrencyTwo_NeverHasMoreThanTwoTasksInFlight()
    {
        var inFlight = 0;
        var most = 0;
        var started = new System.Collections.Concurrent.ConcurrentQueue<PartyId>();
        var channel = new FakeChannel(async (party, task, _) =>
        {
            started.Enqueue(party);
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref most, now);
            await Task.Yield();
            Interlocked.Decrement(ref inFlight);
            var delta = new ParameterSet(task.Global.Layout);
            return PartyReply.Success(new PartyUpdate(party, delta, 1, 0.5));
        });
        var engine = new BufferedRoundEngine(Options(5, new BufferedUpdates { BufferSize = 2, Concurrency = 2 }));

        var result = await engine.RunAsync(new ParameterSet(Layout), new FixedRoster(TestData.Parties(6)), channel, null, null, null, CancellationToken.None);

        Assert.Equal(5, result.Rounds.Count(r => r.Succeeded));
        Assert.InRange(most, 1, 2);

        // Longest idle first: every party gets a task before any gets a second. (Which of them contributed depends on
        // when each answers: under load one slow task can sit out the whole run while the other slot cycles.)
        Assert.Equal(6, started.Take(6).Distinct().Count());
    }

    [Fact]
    public async Task RunAsync_ResumedFromCheckpoint_ContinuesAtTheNextVersion()
    {
        var options = Options(5, new BufferedUpdates { BufferSize = 2 });
        var observer = new RecordingObserver();
        await new BufferedRoundEngine(options).RunAsync(new ParameterSet(Layout), new FixedRoster(TestData.Parties(4)), FakeChannel.Constant(1f), null, observer, null, CancellationToken.None);
        var checkpoint = observer.Checkpoints[2];

        var resumed = await new BufferedRoundEngine(options).RunAsync(new ParameterSet(Layout), new FixedRoster(TestData.Parties(4)), FakeChannel.Constant(1f), null, null, checkpoint, CancellationToken.None);

        Assert.Equal([4, 5], resumed.Rounds.Select(r => r.Round));

        // The tasks in flight at the checkpoint are gone: round 4 starts fresh tasks on version 3, none stale.
        Assert.Equal([(3, 3), (3, 3)], resumed.Rounds[0].Versions.Select(v => (v.TrainedOn, v.AppliedTo)));
        Assert.All(resumed.Global.Values.ToArray(), v => Assert.Equal(checkpoint.Global.Values[0] + 1 + (float)Math.Pow(2, -0.5), v, 1e-6f));
    }

    [Fact]
    public async Task RunAsync_EveryUpdateNonFinite_FailsAsDiverged()
    {
        var channel = FakeChannel.Constant(float.NaN);
        var engine = new BufferedRoundEngine(Options(3, new BufferedUpdates { BufferSize = 2 }));

        var result = await engine.RunAsync(new ParameterSet(Layout), new FixedRoster(TestData.Parties(3)), channel, null, null, null, CancellationToken.None);

        Assert.Empty(result.Rounds);
        Assert.StartsWith("round 1 diverged: the last 2 updates held NaN", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_FewerPartiesThanTheBuffer_ClosesWithMinResults()
    {
        var options = Options(2, new BufferedUpdates { BufferSize = 3 }) with { MinResults = 2 };

        var result = await new BufferedRoundEngine(options).RunAsync(new ParameterSet(Layout), new FixedRoster(TestData.Parties(2)), FakeChannel.Constant(1f), null, null, null, CancellationToken.None);

        Assert.All(result.Rounds, r => Assert.Equal((2, true), (r.Participants, r.Succeeded)));
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(2f, v));
    }

    [Fact]
    public void Constructor_ProtectionOrPrivacy_IsRefusedWithTheReason()
    {
        var buffered = new BufferedUpdates { BufferSize = 2 };
        var secagg = Assert.Throws<ArgumentException>(() => new BufferedRoundEngine(Options(2, buffered) with { Protection = new SecureAggregationProtection(null, Privacy.SecureAggregation.FixedPointQuantization.Default, null) }));
        Assert.Contains("fixed cohort", secagg.Message, StringComparison.Ordinal);
        var dp = Assert.Throws<ArgumentException>(() => new BufferedRoundEngine(Options(2, buffered) with { Privacy = new PrivacyOptions { Client = new ClientPrivacyOptions { NoiseMultiplier = 1, ClipNorm = 1 } } }));
        Assert.Contains("Differential privacy", dp.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<ArgumentException>(() => new BufferedRoundEngine(Options(2, buffered with { MaxStaleness = -1 })));
        Assert.Contains("updates.maxStaleness must be 0 or more", bad.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new RoundEngine(Options(2, buffered)));
        Assert.IsType<BufferedRoundEngine>(RunEngine.Create(Options(2, buffered)));
        Assert.IsType<RoundEngine>(RunEngine.Create(Options(2, buffered) with { Buffered = null }));
    }

    private static int Index(PartyId party) => int.Parse(party.Value.AsSpan("party-".Length), System.Globalization.CultureInfo.InvariantCulture);

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
