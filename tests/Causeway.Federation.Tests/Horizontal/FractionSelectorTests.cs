using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

public sealed class FractionSelectorTests
{
    [Theory]
    [InlineData(0.1, 1, 100, 10)]
    [InlineData(0.7, 1, 10, 7)]
    [InlineData(0.25, 1, 10, 3)]
    [InlineData(0.01, 5, 100, 5)]
    [InlineData(0.5, 20, 10, 10)]
    [InlineData(1.0, 1, 1000, 1000)]
    [InlineData(0.3, 2, 0, 0)]
    public void CountFor_Fractions_MaxOfMinimumAndCeilingCappedAtAvailable(double fraction, int minimum, int available, int expected)
    {
        Assert.Equal(expected, new FractionSelector(fraction, minimum).CountFor(available));
    }

    [Fact]
    public void Select_SameSeed_SameParties()
    {
        var selector = new FractionSelector(0.3, 1);
        var parties = TestData.Parties(50);

        var first = selector.Select(TestData.Round(), parties, new Random(11));
        var second = selector.Select(TestData.Round(), parties, new Random(11));
        var other = selector.Select(TestData.Round(), parties, new Random(12));

        Assert.Equal(15, first.Count);
        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(15, first.Distinct().Count());
        Assert.Equal(first.OrderBy(p => p.Value, StringComparer.Ordinal), first);
    }

    [Fact]
    public void Select_ManyDraws_EachPartyAboutEquallyOften()
    {
        var selector = new FractionSelector(0.2, 1);
        var parties = TestData.Parties(10);
        var counts = new int[10];
        var random = new Random(5);

        for (var i = 0; i < 5000; i++)
        {
            foreach (var party in selector.Select(TestData.Round(), parties, random))
            {
                counts[int.Parse(party.Value[6..], System.Globalization.CultureInfo.InvariantCulture)]++;
            }
        }

        // 5000 draws × 2 of 10: expect 1000 each; the binomial standard deviation is about 28.
        Assert.All(counts, c => Assert.InRange(c, 880, 1120));
    }

    [Theory]
    [InlineData(0.0, 1)]
    [InlineData(1.5, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(0.5, 0)]
    public void Constructor_InvalidArguments_Throws(double fraction, int minimum)
    {
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new FractionSelector(fraction, minimum));
    }
}
