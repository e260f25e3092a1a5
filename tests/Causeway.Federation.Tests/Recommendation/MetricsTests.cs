using Causeway.Federation.Recommendation.Metrics;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class MetricsTests
{
    [Fact]
    public void RatingErrors_HandExample()
    {
        // Errors −1, 0, 2: RMSE = √(5/3), MAE = 3/3.
        var errors = RatingErrors.Of([3f, 4f, 5f], [4f, 4f, 3f]);

        Assert.Equal(Math.Sqrt(5.0 / 3), errors.Rmse, 12);
        Assert.Equal(1.0, errors.Mae, 12);
    }

    [Fact]
    public void RatingErrors_Combine_EqualsErrorsOfTheUnion()
    {
        var a = RatingErrors.Of([3f, 4f], [4f, 4f]);
        var b = RatingErrors.Of([5f], [3f]);

        var both = a.Combine(b);

        Assert.Equal(RatingErrors.Of([3f, 4f, 5f], [4f, 4f, 3f]), both);
    }

    [Fact]
    public void TopK_SampledProtocol_HeldOutItemAtRankThree()
    {
        // The held-out item 7 against 5 negatives; two negatives score higher, so it is third.
        int[] candidates = [7, 1, 2, 3, 4, 5];
        float[] scores = [0.5f, 0.9f, 0.1f, 0.6f, 0.2f, -1f];

        var metrics = TopK.Evaluate(candidates, scores, [7], k: 10);

        Assert.Equal(1, metrics.Hit);
        Assert.Equal(1 / Math.Log2(4), metrics.Ndcg, 12); // 0.5
        Assert.Equal(0.1, metrics.Precision, 12);
        Assert.Equal(1, metrics.Recall);
    }

    [Fact]
    public void TopK_HeldOutItemBelowTheCutOff_ScoresZero()
    {
        int[] candidates = [9, 1, 2, 3];
        float[] scores = [0.1f, 0.9f, 0.8f, 0.7f];

        var metrics = TopK.Evaluate(candidates, scores, [9], k: 3);

        Assert.Equal(new ListMetrics(0, 0, 0, 0), metrics);
    }

    [Fact]
    public void TopK_FullRanking_TwoRelevantItems_HandExample()
    {
        // Order: 4 (0.9), 2 (0.8), 6 (0.7), 1 (0.6), 3 (0.1). Relevant {2, 3}; K = 3: only 2 is in the list, at position 2.
        int[] candidates = [1, 2, 3, 4, 6];
        float[] scores = [0.6f, 0.8f, 0.1f, 0.9f, 0.7f];

        var metrics = TopK.Evaluate(candidates, scores, [2, 3], k: 3);

        var dcg = 1 / Math.Log2(3);
        var idcg = 1 + (1 / Math.Log2(3));
        Assert.Equal(1, metrics.Hit);
        Assert.Equal(dcg / idcg, metrics.Ndcg, 12);
        Assert.Equal(1.0 / 3, metrics.Precision, 12);
        Assert.Equal(0.5, metrics.Recall, 12);
    }

    [Fact]
    public void TopK_Ties_GoToTheLowerItemIndexWhateverTheInputOrder()
    {
        var forward = TopK.Evaluate([5, 8], [1f, 1f], [5], k: 1);
        var backward = TopK.Evaluate([8, 5], [1f, 1f], [5], k: 1);

        Assert.Equal(1, forward.Hit);
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void TopK_MatchesSortingReference()
    {
        var random = new Random(17);
        for (var trial = 0; trial < 200; trial++)
        {
            var count = random.Next(1, 60);
            var candidates = Enumerable.Range(0, 200).OrderBy(_ => random.Next()).Take(count).ToArray();
            var scores = candidates.Select(_ => (float)random.Next(0, 20)).ToArray(); // many ties
            var relevant = candidates.Where(_ => random.NextDouble() < 0.2).Order().ToArray();
            if (relevant.Length == 0)
            {
                continue;
            }

            var k = random.Next(1, 15);
            var top = candidates.Zip(scores).OrderByDescending(c => c.Second).ThenBy(c => c.First).Take(k).Select(c => c.First).ToArray();
            var hits = top.Count(relevant.Contains);
            var dcg = top.Select((item, p) => relevant.Contains(item) ? 1 / Math.Log2(p + 2) : 0).Sum();
            var idcg = Enumerable.Range(0, Math.Min(k, relevant.Length)).Sum(p => 1 / Math.Log2(p + 2));

            var metrics = TopK.Evaluate(candidates, scores, relevant, k);

            Assert.Equal(hits > 0 ? 1 : 0, metrics.Hit);
            Assert.Equal(dcg / idcg, metrics.Ndcg, 12);
            Assert.Equal((double)hits / k, metrics.Precision, 12);
            Assert.Equal((double)hits / relevant.Length, metrics.Recall, 12);
        }
    }

    [Fact]
    public void RankingTotals_AreMeansOverLists()
    {
        var totals = default(RankingTotals)
            .Add(new ListMetrics(1, 0.5, 0.1, 1))
            .Add(new ListMetrics(0, 0, 0, 0))
            .Combine(default(RankingTotals).Add(new ListMetrics(1, 1, 0.1, 1)));

        Assert.Equal(3, totals.Lists);
        Assert.Equal(2.0 / 3, totals.HitRate, 12);
        Assert.Equal(0.5, totals.Ndcg, 12);
        Assert.Equal(0.2 / 3, totals.Precision, 12);
        Assert.Equal(2.0 / 3, totals.Recall, 12);
    }
}
