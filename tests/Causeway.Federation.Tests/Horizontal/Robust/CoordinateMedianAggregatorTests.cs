using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Tests.Horizontal.Robust;

public sealed class CoordinateMedianAggregatorTests
{
    [Fact]
    public void Aggregate_OddCount_TakesMiddleValuePerCoordinate()
    {
        var result = RobustTestData.Run(
            (d, o) => CoordinateMedianAggregator.Aggregate(d, o),
            [1f, -5f, 100f],
            [3f, 2f, -100f],
            [2f, 9f, 0f]);

        Assert.Equal([2f, 2f, 0f], result);
    }

    [Fact]
    public void Aggregate_EvenCount_AveragesTheTwoMiddleValues()
    {
        var result = RobustTestData.Run(
            (d, o) => CoordinateMedianAggregator.Aggregate(d, o),
            [1f, 10f],
            [4f, -2f],
            [2f, 0f],
            [1000f, 3f]);

        // Sorted columns: {1, 2, 4, 1000} → 3; {−2, 0, 3, 10} → 1.5.
        Assert.Equal([3f, 1.5f], result);
    }

    [Fact]
    public void Aggregate_Ties_ReturnTheTiedValue()
    {
        var result = RobustTestData.Run(
            (d, o) => CoordinateMedianAggregator.Aggregate(d, o),
            [7f, 1f],
            [7f, 1f],
            [-3f, 1f],
            [7f, 2f]);

        Assert.Equal([7f, 1f], result);
    }

    [Fact]
    public void Aggregate_LongRandomVectors_MatchesNaiveReferenceAndIgnoresOrder()
    {
        // Longer than the kernel's 256-coordinate block, with a ragged tail.
        var layout = RobustTestData.Layout(1000);
        var deltas = Enumerable.Range(0, 6).Select(k => TestData.Random(layout, seed: k)).ToList();
        var expected = new float[1000];
        for (var i = 0; i < expected.Length; i++)
        {
            var column = deltas.Select(d => d.Values[i]).Order().ToArray();
            expected[i] = (float)(((double)column[2] + column[3]) / 2);
        }

        var forward = new float[1000];
        var backward = new float[1000];
        CoordinateMedianAggregator.Aggregate(deltas, forward);
        CoordinateMedianAggregator.Aggregate([.. Enumerable.Reverse(deltas)], backward);

        Assert.Equal(expected, forward);
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void Begin_AcceptThenComplete_ReturnsMedianIgnoringExampleCounts()
    {
        var layout = RobustTestData.Layout(2);
        var aggregation = new CoordinateMedianAggregator().Begin(new ParameterSet(layout), TestData.Round());

        aggregation.Accept(TestData.Update(0, new ParameterSet(layout, [1f, 1f]), examples: 1000));
        aggregation.Accept(TestData.Update(1, new ParameterSet(layout, [2f, 5f]), examples: 1));
        aggregation.Accept(TestData.Update(2, new ParameterSet(layout, [3f, 9f]), examples: 1));

        Assert.Null(aggregation.Problem);
        Assert.Equal([2f, 5f], aggregation.Complete().Values.ToArray());
        Assert.Throws<InvalidOperationException>(() => aggregation.Complete());
    }

    [Fact]
    public void Complete_NothingAccepted_ReportsProblemAndThrows()
    {
        var aggregation = new CoordinateMedianAggregator().Begin(new ParameterSet(RobustTestData.Layout(2)), TestData.Round());

        Assert.NotNull(aggregation.Problem);
        Assert.Throws<InvalidOperationException>(() => aggregation.Complete());
    }
}
