using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Tests.Horizontal.Robust;

public sealed class KrumAggregatorTests
{
    [Fact]
    public void Choose_HandComputedScores_PicksLeastScore()
    {
        // n = 5, f = 1: each score sums the n − f − 2 = 2 smallest squared distances to the others.
        // Points on a line: 0, 1, 3, 4, 10.
        // 0: {1, 9, 16, 100} → 1 + 9 = 10;  1: {1, 4, 9, 81} → 5;  3: {9, 4, 1, 49} → 5;  4: {16, 9, 1, 36} → 10;
        // 10: {100, 81, 49, 36} → 85. Scores 1 and 3 tie at 5: the earlier (index 1) wins.
        var deltas = RobustTestData.Deltas([0f], [1f], [3f], [4f], [10f]);

        var chosen = new KrumAggregator(byzantine: 1, select: 5 - 1).Choose(deltas);

        Assert.Equal([1, 2, 0, 3], chosen);
        Assert.Equal([1], new KrumAggregator(byzantine: 1).Choose(deltas));
    }

    [Fact]
    public void Aggregate_MultiKrum_AveragesTheSelected()
    {
        var deltas = RobustTestData.Deltas([0f, 0f], [1f, 2f], [3f, 2f], [4f, 0f], [10f, 10f]);
        var result = new float[2];

        // Squared distances: AB 5, AC 13, AD 16, BC 4, BD 13, CD 5, E ≥ 113 from all. Scores (2 nearest):
        // A 5 + 13 = 18, B 4 + 5 = 9, C 4 + 5 = 9, D 5 + 13 = 18, E far. m = 2 keeps B = [1,2] and C = [3,2].
        new KrumAggregator(byzantine: 1, select: 2).Aggregate(deltas, result);

        Assert.Equal([2f, 2f], result);
    }

    [Fact]
    public void Aggregate_FAttackersFarAway_PicksFromHonestCluster()
    {
        const int Honest = 7, Byzantine = 3;
        var layout = RobustTestData.Layout(50);
        var random = new Random(5);
        var deltas = new List<ParameterSet>();
        for (var k = 0; k < Honest + Byzantine; k++)
        {
            var delta = new ParameterSet(layout);
            for (var i = 0; i < delta.Length; i++)
            {
                // Honest: 1 ± 0.1 noise; attackers: −100 each, colluding at one far-away point.
                delta.Values[i] = k < Honest ? 1f + (float)((random.NextDouble() - 0.5) * 0.2) : -100f;
            }

            deltas.Add(delta);
        }

        // Interleave attackers among the honest so order does not help.
        (deltas[1], deltas[8]) = (deltas[8], deltas[1]);
        var krum = new KrumAggregator(Byzantine);
        var multi = new KrumAggregator(Byzantine, select: null);
        var one = new float[50];
        var mean = new float[50];

        var chosen = multi.Choose(deltas);
        krum.Aggregate(deltas, one);
        multi.Aggregate(deltas, mean);

        Assert.Equal(Honest, chosen.Length);
        Assert.DoesNotContain(1, chosen);
        Assert.All(chosen, c => Assert.True(deltas[c].Values[0] > 0, $"chose {c}"));
        Assert.All(one, v => Assert.InRange(v, 0.9f, 1.1f));
        Assert.All(mean, v => Assert.InRange(v, 0.95f, 1.05f));
    }

    [Fact]
    public void Problem_TooFewUpdates_ExplainsTheBound()
    {
        var krum = new KrumAggregator(byzantine: 2);

        Assert.Contains("more than 2f + 2 = 6", krum.Problem(6), StringComparison.Ordinal);
        Assert.Null(krum.Problem(7));
        Assert.Contains("m + f = 8 updates, but 7", new KrumAggregator(2, select: 6).Problem(7), StringComparison.Ordinal);
        Assert.Null(new KrumAggregator(2, select: 5).Problem(7));
        Assert.Equal(7, krum.MinimumUpdates);
    }

    [Fact]
    public void Complete_TooFewAccepted_ReportsProblemInsteadOfAggregating()
    {
        var layout = RobustTestData.Layout(1);
        var aggregation = new KrumAggregator(byzantine: 1).Begin(new ParameterSet(layout), TestData.Round());
        for (var k = 0; k < 4; k++)
        {
            aggregation.Accept(TestData.Update(k, new ParameterSet(layout, [k])));
        }

        Assert.Contains("krum with byzantine = 1 needs more than 2f + 2 = 4 updates, but 4 were accepted", aggregation.Problem, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => aggregation.Complete());
    }
}
