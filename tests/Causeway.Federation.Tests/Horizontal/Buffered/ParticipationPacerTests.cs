using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Buffered;

namespace Causeway.Federation.Tests.Horizontal.Buffered;

public sealed class ParticipationPacerTests
{
    [Fact]
    public void Wait_AfterAStart_IsTheGapLessTheTimeSince()
    {
        var time = new ManualTime();
        var pacer = new ParticipationPacer(TimeSpan.FromSeconds(10), time);
        var party = TestData.Party(0);

        pacer.Started(party);
        time.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal(TimeSpan.FromSeconds(6), pacer.Wait(party));
        Assert.Equal(TimeSpan.Zero, pacer.Wait(TestData.Party(1)));
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(TimeSpan.Zero, pacer.Wait(party));
    }

    [Fact]
    public async Task DueAsync_NoGap_ReturnsEveryParty()
    {
        var pacer = new ParticipationPacer(TimeSpan.Zero, new ManualTime());
        var parties = TestData.Parties(3);
        pacer.Started(parties[0]);

        Assert.Same(parties, await pacer.DueAsync(parties, 3, CancellationToken.None));
    }

    [Fact]
    public async Task DueAsync_EnoughDue_ReturnsOnlyTheDueOnes()
    {
        var time = new ManualTime();
        var pacer = new ParticipationPacer(TimeSpan.FromSeconds(10), time);
        var parties = TestData.Parties(3);
        pacer.Started(parties[1]);

        Assert.Equal([parties[0], parties[2]], await pacer.DueAsync(parties, 2, CancellationToken.None));
    }

    [Fact]
    public async Task BufferedRoundEngine_GapLongerThanTheRun_SendsEachPartyOneTask()
    {
        // Without the gap, p0 would train again in round 2; with an hour's gap every party trains once, in turn.
        var channel = FakeChannel.Constant(1f);
        var engine = new BufferedRoundEngine(new RoundEngineOptions
        {
            Strategy = TestData.FedAvg(),
            Rounds = 3,
            Buffered = new BufferedUpdates { BufferSize = 1 },
            MinTimeBetweenTasks = TimeSpan.FromHours(1),
        });

        var result = await engine.RunAsync(new ParameterSet(TestData.Layout()), new FixedRoster(TestData.Parties(3)), channel, null, null, null, CancellationToken.None);

        Assert.Equal(3, channel.Calls);
        Assert.Equal([TestData.Party(0), TestData.Party(1), TestData.Party(2)], result.Rounds.Select(r => Assert.Single(r.Contributions).Party));
        Assert.Equal([0, 1, 2], result.Rounds.Select(r => r.Versions[0].Staleness));
    }

    [Fact]
    public async Task RoundEngine_GapLongerThanTheRun_SelectsOnlyPartiesThatAreDue()
    {
        // One party per round from three: with an hour's gap no party is selected twice.
        var channel = FakeChannel.Constant(1f);
        var engine = new RoundEngine(new RoundEngineOptions
        {
            Strategy = TestData.FedAvg(fraction: 1.0 / 3),
            Rounds = 3,
            MinTimeBetweenTasks = TimeSpan.FromHours(1),
        });

        var result = await engine.RunAsync(new ParameterSet(TestData.Layout()), TestData.Parties(3), channel, null, null, null, CancellationToken.None);

        Assert.Equal(3, result.Rounds.SelectMany(r => r.Contributions).Select(c => c.Party).Distinct().Count());
        Assert.All(result.Rounds, r => Assert.Equal(1, r.Participants));
    }

    /// <summary>A clock the test moves by hand (timestamps only).</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
