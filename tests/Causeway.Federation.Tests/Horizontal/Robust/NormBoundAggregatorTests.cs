using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Tests.Horizontal.Robust;

public sealed class NormBoundAggregatorTests
{
    [Fact]
    public void Clip_NormAboveBound_ScalesToBoundKeepingDirection()
    {
        float[] delta = [3f, 4f];

        var before = NormBoundAggregator.Clip(delta, 1f);

        Assert.Equal(5.0, before, 1e-6);
        Assert.Equal(0.6f, delta[0], 1e-6f);
        Assert.Equal(0.8f, delta[1], 1e-6f);
    }

    [Fact]
    public void Clip_NormWithinBound_LeavesValuesUntouched()
    {
        float[] delta = [3f, 4f];

        NormBoundAggregator.Clip(delta, 5f);

        Assert.Equal([3f, 4f], delta);
    }

    [Fact]
    public void Clip_SquaresOverflowFloat_StillClipsToBound()
    {
        float[] delta = [3e30f, 4e30f];

        var before = NormBoundAggregator.Clip(delta, 10f);

        Assert.Equal(5e30, before, 1e24);
        Assert.Equal(6f, delta[0], 1e-5f);
        Assert.Equal(8f, delta[1], 1e-5f);
    }

    [Fact]
    public void Begin_AroundWeightedMean_ClipsEachUpdateBeforeAveraging()
    {
        var layout = RobustTestData.Layout(2);
        var aggregator = new NormBoundAggregator(new WeightedMeanAggregator(AggregationWeighting.Uniform), bound: 2f);
        var aggregation = aggregator.Begin(new ParameterSet(layout), TestData.Round());

        aggregation.Accept(TestData.Update(0, new ParameterSet(layout, [30f, 40f]))); // → [1.2, 1.6]
        aggregation.Accept(TestData.Update(1, new ParameterSet(layout, [1f, 0f])));   // within the bound
        var result = aggregation.Complete().Values.ToArray();

        Assert.Equal(1.1f, result[0], 1e-6f);
        Assert.Equal(0.8f, result[1], 1e-6f);
    }

    [Fact]
    public void Begin_AroundKrum_ForwardsTheInnerProblem()
    {
        var layout = RobustTestData.Layout(1);
        var aggregation = new NormBoundAggregator(new KrumAggregator(1), 1f).Begin(new ParameterSet(layout), TestData.Round());

        aggregation.Accept(TestData.Update(0, new ParameterSet(layout, [5f])));

        Assert.Equal(1, aggregation.Count);
        Assert.Contains("krum", aggregation.Problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.PositiveInfinity)]
    public void Constructor_BoundNotPositiveFinite_Throws(float bound) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormBoundAggregator(new CoordinateMedianAggregator(), bound));
}
