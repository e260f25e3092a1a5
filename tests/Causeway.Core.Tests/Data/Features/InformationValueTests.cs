using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data.Features;

public sealed class InformationValueTests
{
    [Fact]
    public void Compute_ThreeBins_MatchesHandComputedWoeAndIv()
    {
        var counts = BinLabelCounts.Count([0, 0, 0, 1, 1, 1, 1, 2, 2, 2], [1, 1, 0, 1, 0, 0, 0, 0, 0, 0], 3);

        var result = InformationValue.Compute(counts);

        // E = 3, N = 7. Bin 0: 2/3 vs 1/7; bin 1: 1/3 vs 3/7; bin 2 has no events: (0 + 0.5)/3 vs (3 + 0.5)/7.
        Assert.Equal([2L, 1, 0], counts.Events);
        Assert.Equal([1L, 3, 3], counts.NonEvents);
        double[] e = [2.0 / 3, 1.0 / 3, 0.5 / 3];
        double[] n = [1.0 / 7, 3.0 / 7, 3.5 / 7];
        var woe = e.Zip(n, (a, b) => Math.Log(a / b)).ToArray();
        Assert.Equal(woe, result.WeightsOfEvidence);
        Assert.Equal(Enumerable.Range(0, 3).Sum(i => (e[i] - n[i]) * woe[i]), result.Value, 12);
        Assert.InRange(result.Value, 1.0, 1.5);
    }

    [Fact]
    public void Compute_FeatureIndependentOfLabel_HasZeroValue()
    {
        var result = InformationValue.Compute(new BinLabelCounts([10, 20], [30, 60]));

        Assert.Equal(0.0, result.Value, 12);
        Assert.All(result.WeightsOfEvidence, w => Assert.Equal(0.0, w, 12));
    }

    [Fact]
    public void Count_NonBinaryLabel_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => BinLabelCounts.Count([0, 1], [1, 2], 2));

        Assert.StartsWith("Row 1 has label 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_NoEvents_Throws()
    {
        Assert.Throws<ArgumentException>(() => InformationValue.Compute(new BinLabelCounts([0, 0], [3, 4])));
    }
}
