using Causeway.Core.Metrics;

namespace Causeway.Core.Tests.Metrics;

public sealed class ScoreHistogramTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RocAucAndF1_FromTheHistogram_MatchTheExactMetrics(int seed)
    {
        var random = new Random(seed);
        var labels = Enumerable.Range(0, 5000).Select(_ => random.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        var scores = labels.Select(l => (float)Math.Clamp((0.35 * l) + (0.6 * random.NextDouble()) + 0.02, 0, 1)).ToArray();

        var histogram = ScoreHistogram.Of(scores, labels);

        Assert.Equal(ClassificationMetrics.RocAuc(scores, labels), histogram.RocAuc()!.Value, 1e-3);
        Assert.Equal(ClassificationMetrics.F1(scores, labels), histogram.F1()!.Value, 1e-12);
        Assert.Equal(5000, histogram.Positives.Sum() + histogram.Negatives.Sum());
    }

    [Fact]
    public void Sum_OfThePartsHistograms_IsTheHistogramOfTheUnion()
    {
        var random = new Random(4);
        var scores = Enumerable.Range(0, 900).Select(_ => random.NextSingle()).ToArray();
        var labels = scores.Select(s => s > 0.4f ^ random.NextDouble() < 0.2 ? 1f : 0f).ToArray();

        var parts = new[] { (0, 300), (300, 250), (550, 350) }.Select(p => ScoreHistogram.Of(scores.AsSpan(p.Item1, p.Item2), labels.AsSpan(p.Item1, p.Item2))).ToList();
        var whole = ScoreHistogram.Of(scores, labels);

        var sum = ScoreHistogram.Sum(parts)!;
        Assert.Equal(whole.Positives, sum.Positives);
        Assert.Equal(whole.Negatives, sum.Negatives);
        Assert.Null(ScoreHistogram.Sum([parts[0], ScoreHistogram.Of(scores, labels, bins: 10)]));
    }

    [Fact]
    public void RocAuc_WithOneClassAbsent_IsNull()
    {
        Assert.Null(ScoreHistogram.Of([0.2f, 0.9f], [1f, 1f]).RocAuc());
    }
}
