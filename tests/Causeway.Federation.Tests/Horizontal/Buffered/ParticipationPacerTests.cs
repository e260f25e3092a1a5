using Causeway.Federation.Horizontal;

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

    /// <summary>A clock the test moves by hand (timestamps only).</summary>
    private sealed class ManualTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
