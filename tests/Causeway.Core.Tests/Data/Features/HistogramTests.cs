using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data.Features;

public sealed class HistogramTests
{
    [Fact]
    public void Quantile_MergedFromThreeParties_WithinOneBinWidthOfPooledQuantile()
    {
        var random = new Random(7);
        var parties = Enumerable.Range(0, 3)
            .Select(p => Enumerable.Range(0, 4000).Select(_ => Normal(random, p - 1.0, 1.0 + p)).Append(double.NaN).ToArray())
            .ToArray();
        var pooled = parties.SelectMany(v => v).Where(x => !double.IsNaN(x)).Order().ToArray();

        var merged = Histogram.Merge(parties.Select(v => Histogram.Compute(v, -20, 20, 400)));

        Assert.Equal(Histogram.Compute(parties.SelectMany(v => v).ToArray(), -20, 20, 400), merged);
        Assert.Equal(pooled.Length, merged.Total);
        Assert.Equal(0.1, merged.Width, 12);
        foreach (var q in new[] { 0.0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1.0 })
        {
            var exact = pooled[Math.Max(0, (int)Math.Ceiling(q * pooled.Length) - 1)];
            Assert.InRange(merged.Quantile(q), exact - merged.Width, exact + merged.Width);
        }
    }

    [Fact]
    public void Compute_OutOfRange_ClampsIntoEdgeBinsAndCounts()
    {
        var histogram = Histogram.Compute([-5, 0, 0.5, 1, 2, 9, double.NaN], 0, 2, 4);

        Assert.Equal([2L, 1, 1, 2], histogram.Counts);
        Assert.Equal(1, histogram.Below);
        Assert.Equal(1, histogram.Above);
    }

    [Fact]
    public void Quantile_SmallHistogram_InterpolatesInsideTheBin()
    {
        var histogram = Histogram.Compute([0.1, 0.2, 1.1, 1.2, 1.3, 1.4], 0, 2, 2);

        // k = ceil(0.5 * 6) = 3: the first of bin 1's four values, so 1 + 1/4 of its width.
        Assert.Equal(1.25, histogram.Quantile(0.5), 12);
        Assert.Equal(0.5, histogram.Quantile(0.0), 12);
    }

    [Fact]
    public void Merge_DifferentRanges_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Histogram.Merge([Histogram.Compute([1], 0, 2, 4), Histogram.Compute([1], 0, 3, 4)]));

        Assert.Contains("range [0, 3] with 4 bins differs from [0, 2] with 4 bins", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quantile_Empty_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Histogram.Compute([double.NaN], 0, 1, 2).Quantile(0.5));
    }

    private static double Normal(Random random, double mean, double deviation) =>
        mean + (deviation * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
}
