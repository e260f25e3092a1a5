using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Tests.Horizontal.Robust;

public sealed class TrimmedMeanAggregatorTests
{
    [Fact]
    public void Aggregate_FiveValuesTrimTwentyPercent_DropsOneAtEachEnd()
    {
        var trimmed = new TrimmedMeanAggregator(0.2);

        var result = RobustTestData.Run((d, o) => trimmed.Aggregate(d, o), [1f, 0f], [2f, -50f], [3f, 1f], [4f, 2f], [100f, 3f]);

        // ⌊0.2·5⌋ = 1: {2, 3, 4} → 3; {0, 1, 2} → 1.
        Assert.Equal(1, trimmed.TrimmedPerSide(5));
        Assert.Equal([3f, 1f], result);
    }

    [Fact]
    public void Aggregate_EvenCountWithTies_AveragesTheKeptMiddle()
    {
        var trimmed = new TrimmedMeanAggregator(0.25);

        var result = RobustTestData.Run((d, o) => trimmed.Aggregate(d, o), [5f], [5f], [-1f], [5f], [2f], [9f], [0f], [5f]);

        // ⌊0.25·8⌋ = 2: sorted {−1, 0, 2, 5, 5, 5, 5, 9} keeps {2, 5, 5, 5} → 4.25.
        Assert.Equal([4.25f], result);
    }

    [Fact]
    public void Aggregate_TrimRoundsDownToZero_IsThePlainMean()
    {
        var trimmed = new TrimmedMeanAggregator(0.1);

        var result = RobustTestData.Run((d, o) => trimmed.Aggregate(d, o), [1f, 2f], [2f, 4f], [6f, 0f]);

        Assert.Equal(0, trimmed.TrimmedPerSide(3));
        Assert.Equal([3f, 2f], result);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(0.5)]
    [InlineData(double.NaN)]
    public void Constructor_TrimOutOfRange_Throws(double trim) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrimmedMeanAggregator(trim));
}
