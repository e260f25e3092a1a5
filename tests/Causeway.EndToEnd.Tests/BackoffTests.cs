using Causeway.Party;

namespace Causeway.EndToEnd.Tests;

/// <summary>Exponential backoff with full jitter: delay = u · min(max, min · 2^(failures − 1)).</summary>
public sealed class BackoffTests
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1, 0.5, 250)] // ceiling 0.5 s
    [InlineData(2, 0.5, 500)] // ceiling 1 s
    [InlineData(4, 0.25, 1000)] // ceiling 4 s
    [InlineData(7, 0.5, 15000)] // 32 s capped at 30 s
    [InlineData(1000, 0.5, 15000)] // a long outage stays capped
    [InlineData(3, 0.0, 0)] // full jitter reaches down to 0
    public void Delay_FullJitter_IsTheUniformShareOfTheCappedDoubling(int failures, double uniform, double expectedMilliseconds)
    {
        var delay = Backoff.Delay(failures, Min, Max, uniform);

        Assert.Equal(expectedMilliseconds, delay.TotalMilliseconds, precision: 6);
    }

    [Fact]
    public void Delay_LargestUniform_NeverExceedsTheCap()
    {
        var delay = Backoff.Delay(40, Min, Max, Math.BitDecrement(1.0));

        Assert.Equal(Max, delay); // u just below 1, rounded to whole ticks
    }
}
