using System.Runtime.InteropServices;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

public sealed class WeightedMeanAggregatorTests
{
    [Fact]
    public void Complete_RandomUpdates_MatchesDoublePrecisionReference()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [1000, 37]), new TensorSpec("b", [1000])]);
        var random = new Random(7);
        var deltas = Enumerable.Range(0, 12).Select(i => TestData.Random(layout, 100 + i)).ToArray();
        var examples = deltas.Select(_ => random.Next(1, 5000)).ToArray();
        var reference = new double[layout.TotalLength];
        double total = examples.Sum();
        for (var k = 0; k < deltas.Length; k++)
        {
            for (var i = 0; i < reference.Length; i++)
            {
                reference[i] += deltas[k].Values[i] * (double)examples[k] / total;
            }
        }

        var aggregation = new WeightedMeanAggregator().Begin(new ParameterSet(layout), TestData.Round());
        for (var k = 0; k < deltas.Length; k++)
        {
            aggregation.Accept(TestData.Update(k, deltas[k].Clone(), examples[k]));
        }

        var result = aggregation.Complete();

        Assert.Equal(12, aggregation.Count);
        for (var i = 0; i < reference.Length; i++)
        {
            Assert.Equal(reference[i], result.Values[i], 1e-4);
        }
    }

    [Fact]
    public void Complete_DifferentExampleCounts_WeightsByExamples()
    {
        var layout = TestData.Layout(2, 1);
        var aggregation = new WeightedMeanAggregator().Begin(new ParameterSet(layout), TestData.Round());
        aggregation.Accept(TestData.Update(0, TestData.Set(layout, 1f, 2f, 3f), examples: 1));
        aggregation.Accept(TestData.Update(1, TestData.Set(layout, 5f, 6f, -1f), examples: 3));

        var result = aggregation.Complete();

        // (1·1 + 3·5)/4 = 4; (1·2 + 3·6)/4 = 5; (1·3 − 3)/4 = 0.
        Assert.Equal([4f, 5f, 0f], result.Values.ToArray());
    }

    [Fact]
    public void Complete_UniformWeighting_IgnoresExampleCounts()
    {
        var layout = TestData.Layout(2, 1);
        var aggregation = new WeightedMeanAggregator(AggregationWeighting.Uniform).Begin(new ParameterSet(layout), TestData.Round());
        aggregation.Accept(TestData.Update(0, TestData.Set(layout, 1f, 2f, 3f), examples: 1));
        aggregation.Accept(TestData.Update(1, TestData.Set(layout, 5f, 6f, -1f), examples: 3));

        Assert.Equal([3f, 4f, 1f], aggregation.Complete().Values.ToArray());
    }

    [Fact]
    public void Complete_NothingAccepted_Throws()
    {
        var aggregation = new WeightedMeanAggregator().Begin(new ParameterSet(TestData.Layout()), TestData.Round());

        Assert.Throws<InvalidOperationException>(() => aggregation.Complete());
    }

    [Fact]
    public void Accept_ManyUpdates_DoesNotAllocatePerUpdate()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [100_000])]);
        var delta = TestData.Random(layout, 3);
        var update = TestData.Update(0, delta, 5);
        var aggregation = new WeightedMeanAggregator().Begin(new ParameterSet(layout), TestData.Round());
        aggregation.Accept(update);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 50; i++)
        {
            aggregation.Accept(update);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // One copy of the update is 400 kB; a per-update copy would be 20 MB over the loop. The
        // bound leaves room for one-off runtime allocations (tiering, OSR) that CI has shown (~6 kB).
        const long oneCopy = 100_000 * sizeof(float);
        Assert.True(allocated < oneCopy / 8, $"allocated {allocated} bytes over 50 updates");
    }

    [Fact]
    public void Begin_OneDestinationOverSeveralRounds_SameBitsAsAFreshDestinationEachRound()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [300, 7]), new TensorSpec("b", [13])]);
        var aggregator = new WeightedMeanAggregator();
        var reused = new ParameterSet(layout);
        reused.Values.Fill(float.NaN);
        var random = new Random(11);

        for (var round = 1; round <= 6; round++)
        {
            // Rounds of different sizes, so that a round that used a previous round's leftovers would differ.
            var updates = Enumerable.Range(0, 1 + random.Next(5))
                .Select(k => TestData.Update(k, TestData.Random(layout, (round * 100) + k), random.Next(1, 500)))
                .ToArray();
            var fresh = Aggregate(aggregator, new ParameterSet(layout), updates, round);

            var result = Aggregate(aggregator, reused, updates, round);

            Assert.Same(reused, result);
            Assert.Equal(Bits(fresh), Bits(result));
        }
    }

    [Fact]
    public void Complete_ReturnsTheDestination_WhichLaterAggregationsDoNotWrite()
    {
        var layout = TestData.Layout(2, 1);
        var aggregator = new WeightedMeanAggregator();
        var first = new ParameterSet(layout);
        var aggregation = aggregator.Begin(first, TestData.Round(1));
        aggregation.Accept(TestData.Update(0, TestData.Set(layout, 1f, 2f, 3f)));

        var handedOver = aggregation.Complete();
        var next = aggregator.Begin(new ParameterSet(layout), TestData.Round(2));
        next.Accept(TestData.Update(0, TestData.Set(layout, 7f, 8f, 9f)));
        next.Complete();

        Assert.Same(first, handedOver);
        Assert.Throws<InvalidOperationException>(() => aggregation.Accept(TestData.Update(1, TestData.Set(layout, 4f, 5f, 6f))));
        Assert.Equal([1f, 2f, 3f], handedOver.Values.ToArray());
    }

    [Fact]
    public void Aggregate_ManyRoundsIntoOneDestination_AllocatesNoModelBuffer()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [100_000])]);
        var updates = Enumerable.Range(0, 4).Select(k => TestData.Update(k, TestData.Random(layout, k), 5 + k)).ToArray();
        var aggregator = new WeightedMeanAggregator();
        var destination = new ParameterSet(layout);
        Aggregate(aggregator, destination, updates, 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 2; round <= 50; round++)
        {
            Aggregate(aggregator, destination, updates, round);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A buffer per round would be 49 × 400 kB; what remains is one small aggregation object per round plus
        // one-off runtime allocations (tiering, OSR), far below one buffer.
        const long oneBuffer = 100_000 * sizeof(float);
        Assert.True(allocated < oneBuffer / 8, $"allocated {allocated} bytes over 49 rounds");
    }

    private static ParameterSet Aggregate(WeightedMeanAggregator aggregator, ParameterSet destination, PartyUpdate[] updates, int round)
    {
        var aggregation = aggregator.Begin(destination, TestData.Round(round));
        foreach (var update in updates)
        {
            aggregation.Accept(update);
        }

        return aggregation.Complete();
    }

    private static int[] Bits(ParameterSet set) => MemoryMarshal.Cast<float, int>(set.Values).ToArray();
}
