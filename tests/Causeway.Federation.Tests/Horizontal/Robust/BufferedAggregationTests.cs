using System.Runtime.InteropServices;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Tests.Horizontal.Robust;

/// <summary>Robust rules write the caller's destination, which the round engine reuses from round to round.</summary>
public sealed class BufferedAggregationTests
{
    public static TheoryData<string> Rules => ["median", "trimmed-mean", "krum", "multi-krum", "norm-bound-mean"];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Complete_DestinationHoldingAnEarlierRound_SameBitsAsAFreshDestination(string rule)
    {
        var layout = RobustTestData.Layout(1000);
        var aggregator = Create(rule);
        var reused = new ParameterSet(layout);
        reused.Values.Fill(float.NaN);

        for (var round = 1; round <= 3; round++)
        {
            var fresh = Aggregate(aggregator, new ParameterSet(layout), Updates(layout, round), round);

            var result = Aggregate(aggregator, reused, Updates(layout, round), round);

            Assert.Same(reused, result);
            Assert.Equal(Bits(fresh), Bits(result));
        }
    }

    private static IAggregator Create(string rule) => rule switch
    {
        "median" => new CoordinateMedianAggregator(),
        "trimmed-mean" => new TrimmedMeanAggregator(0.2),
        "krum" => new KrumAggregator(byzantine: 1),
        "multi-krum" => new KrumAggregator(byzantine: 1, select: 3),
        _ => new NormBoundAggregator(new WeightedMeanAggregator(), 5f),
    };

    // Fresh deltas per call: a norm bound clips the deltas handed to it in place.
    private static PartyUpdate[] Updates(ParameterLayout layout, int round) =>
        [.. Enumerable.Range(0, 7).Select(k => TestData.Update(k, TestData.Random(layout, (round * 100) + k), 10 + k))];

    private static ParameterSet Aggregate(IAggregator aggregator, ParameterSet destination, PartyUpdate[] updates, int round)
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
