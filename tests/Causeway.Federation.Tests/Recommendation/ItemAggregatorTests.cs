using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class ItemAggregatorTests
{
    // 4 items, 2 factors: a row is (f0, f1, bias).
    private static readonly ParameterLayout Global = ItemModel.Layout(4, 2);

    [Fact]
    public void Mean_DividesEachItemByThePartiesThatHoldIt()
    {
        var aggregation = new ItemAggregator(ItemAggregation.Mean).Begin(new ParameterSet(Global), TestData.Round());
        aggregation.Accept(Update(0, examples: 1, (1, [2f, 4f, 6f]), (3, [1f, 1f, 1f])));
        aggregation.Accept(Update(1, examples: 3, (1, [4f, 0f, 0f])));

        var result = aggregation.Complete();

        // Item 1: (2 + 4)/2, (4 + 0)/2, (6 + 0)/2. Item 3: party 0 alone. Items 0 and 2: nobody, 0. μ: 0.
        Assert.Equal([0f, 0f, 3f, 2f, 0f, 0f, 1f, 1f], result[ItemModel.Factors].ToArray());
        Assert.Equal([0f, 3f, 0f, 1f], result[ItemModel.Bias].ToArray());
        Assert.Equal(0f, result[ItemModel.GlobalMean][0]);
    }

    [Fact]
    public void WeightedMean_WeightsEachPartyByItsRatingCountPerItem()
    {
        var aggregation = new ItemAggregator(ItemAggregation.WeightedMean).Begin(new ParameterSet(Global), TestData.Round());
        aggregation.Accept(Update(0, examples: 1, (1, [2f, 4f, 6f]), (3, [1f, 1f, 1f])));
        aggregation.Accept(Update(1, examples: 3, (1, [4f, 0f, 0f])));

        var result = aggregation.Complete();

        // Item 1: (1·2 + 3·4)/4 = 3.5, (1·4)/4 = 1, (1·6)/4 = 1.5. Item 3: party 0 alone (its weight cancels).
        Assert.Equal([0f, 0f, 3.5f, 1f, 0f, 0f, 1f, 1f], result[ItemModel.Factors].ToArray());
        Assert.Equal([0f, 1.5f, 0f, 1f], result[ItemModel.Bias].ToArray());
    }

    [Fact]
    public void GradientSum_AddsTheRows()
    {
        var aggregation = new ItemAggregator(ItemAggregation.GradientSum).Begin(new ParameterSet(Global), TestData.Round());
        aggregation.Accept(Update(0, examples: 1, (1, [2f, 4f, 6f]), (3, [1f, 1f, 1f])));
        aggregation.Accept(Update(1, examples: 3, (1, [4f, 0f, 0f])));

        var result = aggregation.Complete();

        Assert.Equal([0f, 0f, 6f, 4f, 0f, 0f, 1f, 1f], result[ItemModel.Factors].ToArray());
        Assert.Equal([0f, 6f, 0f, 1f], result[ItemModel.Bias].ToArray());
    }

    [Fact]
    public void Mean_DenseUpdates_HoldEveryRowAndSoDilute()
    {
        // The same two updates, sent dense: item 3's change is averaged with party 1's zero.
        var aggregation = new ItemAggregator(ItemAggregation.Mean).Begin(new ParameterSet(Global), TestData.Round());
        aggregation.Accept(Dense(0, (1, [2f, 4f, 6f]), (3, [1f, 1f, 1f])));
        aggregation.Accept(Dense(1, (1, [4f, 0f, 0f])));

        var result = aggregation.Complete();

        Assert.Equal([0f, 0f, 3f, 2f, 0f, 0f, 0.5f, 0.5f], result[ItemModel.Factors].ToArray());
        Assert.Equal([0f, 3f, 0f, 0.5f], result[ItemModel.Bias].ToArray());
    }

    [Theory]
    [InlineData(ItemAggregation.Mean)]
    [InlineData(ItemAggregation.WeightedMean)]
    [InlineData(ItemAggregation.GradientSum)]
    public void Complete_RandomSparseUpdates_MatchesDoublePrecisionReference(ItemAggregation mode)
    {
        const int Items = 300, K = 5;
        var global = ItemModel.Layout(Items, K);
        var random = new Random(21);
        var sums = new double[Items * (K + 1)];
        var weights = new double[Items];
        var aggregation = new ItemAggregator(mode).Begin(TestData.Random(global, 1), TestData.Round());
        for (var party = 0; party < 25; party++)
        {
            var rows = Enumerable.Range(0, Items).Where(_ => random.NextDouble() < 0.1).ToArray();
            var examples = random.Next(1, 50);
            var update = new ParameterSet(ItemModel.SparseLayout(rows.Length, K));
            for (var j = 0; j < rows.Length; j++)
            {
                update[ItemModel.Rows][j] = rows[j];
                var w = mode == ItemAggregation.WeightedMean ? examples : 1.0;
                weights[rows[j]] += w;
                for (var f = 0; f <= K; f++)
                {
                    var value = (float)((random.NextDouble() * 2) - 1);
                    if (f < K)
                    {
                        update[ItemModel.Factors][(j * K) + f] = value;
                    }
                    else
                    {
                        update[ItemModel.Bias][j] = value;
                    }

                    sums[(rows[j] * (K + 1)) + f] += (mode == ItemAggregation.GradientSum ? 1 : w) * value;
                }
            }

            aggregation.Accept(new PartyUpdate(TestData.Party(party), update, examples, 0));
        }

        var result = aggregation.Complete();

        for (var i = 0; i < Items; i++)
        {
            var divisor = mode == ItemAggregation.GradientSum || weights[i] == 0 ? 1 : weights[i];
            for (var f = 0; f <= K; f++)
            {
                var actual = f < K ? result[ItemModel.Factors][(i * K) + f] : result[ItemModel.Bias][i];
                Assert.Equal(sums[(i * (K + 1)) + f] / divisor, actual, 1e-5);
            }
        }
    }

    [Theory]
    [InlineData(new[] { 0f, 2f }, null)]
    [InlineData(new[] { 2f, 2f }, "item_rows must be strictly ascending; [1] = 2 follows 2")]
    [InlineData(new[] { 3f, 1f }, "item_rows must be strictly ascending; [1] = 1 follows 3")]
    [InlineData(new[] { 0f, 4f }, "item_rows[1] = 4 is not an item index from 0 to 3")]
    [InlineData(new[] { -1f, 2f }, "item_rows[0] = -1 is not an item index from 0 to 3")]
    [InlineData(new[] { 0.5f, 2f }, "item_rows[0] = 0.5 is not an item index from 0 to 3")]
    [InlineData(new[] { float.NaN, 2f }, "item_rows[0] = NaN is not an item index from 0 to 3")]
    public void DescribeMisfit_SparseRows_AreCheckedBeforeFolding(float[] rows, string? expected)
    {
        var update = new ParameterSet(ItemModel.SparseLayout(rows.Length, 2));
        rows.CopyTo(update[ItemModel.Rows]);

        Assert.Equal(expected, new ItemAggregator().DescribeMisfit(Global, update));
    }

    [Fact]
    public void DescribeMisfit_WrongRankOrLayoutOrChangedMean_IsRefused()
    {
        var aggregator = new ItemAggregator();
        var changedMean = new ParameterSet(Global);
        changedMean[ItemModel.GlobalMean][0] = 0.1f;

        Assert.Equal("the update has 3 factors per item; the model has 2", aggregator.DescribeMisfit(Global, new ParameterSet(ItemModel.SparseLayout(1, 3))));
        Assert.StartsWith("layout mismatch: expected the item model", aggregator.DescribeMisfit(Global, new ParameterSet(TestData.Layout())), StringComparison.Ordinal);
        Assert.Equal("the update changes the global mean, which is fixed for the run", aggregator.DescribeMisfit(Global, changedMean));
        Assert.Null(aggregator.DescribeMisfit(Global, new ParameterSet(Global)));
    }

    [Fact]
    public void RoundEngine_RejectsAMalformedSparseUpdateAsThePartysFailure()
    {
        var update = new ParameterSet(ItemModel.SparseLayout(2, 2));
        update[ItemModel.Rows][0] = 3;
        update[ItemModel.Rows][1] = 1;

        var problem = RoundEngine.Validate(TestData.Party(0), new PartyUpdate(TestData.Party(0), update, 5, 0), Global, new ItemAggregator());

        Assert.NotNull(problem);
        Assert.Equal(FailureKind.Rejected, problem.Kind);
        Assert.Equal("item_rows must be strictly ascending; [1] = 1 follows 3", problem.Reason);
    }

    [Fact]
    public void Accept_ManySparseUpdates_DoesNotAllocatePerUpdate()
    {
        var global = ItemModel.Layout(10_000, 32);
        var update = new ParameterSet(ItemModel.SparseLayout(200, 32));
        for (var j = 0; j < 200; j++)
        {
            update[ItemModel.Rows][j] = j * 50;
        }

        var party = new PartyUpdate(TestData.Party(0), update, 10, 0);
        var aggregation = new ItemAggregator(ItemAggregation.Mean).Begin(new ParameterSet(global), TestData.Round());
        aggregation.Accept(party);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            aggregation.Accept(party);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData(ItemAggregation.Mean)]
    [InlineData(ItemAggregation.WeightedMean)]
    public void CountedUpdates_InTheClear_FoldLikeTheSparseOnes(ItemAggregation mode)
    {
        var sparse = new ItemAggregator(mode).Begin(new ParameterSet(Global), TestData.Round());
        var counted = new ItemAggregator(mode).Begin(new ParameterSet(Global), TestData.Round());
        sparse.Accept(Update(0, examples: 1, (1, [2f, 4f, 6f]), (3, [1f, 1f, 1f])));
        sparse.Accept(Update(1, examples: 3, (1, [4f, 0f, 0f])));
        counted.Accept(Counted(0, examples: 1, (1, [2f, 4f, 6f]), (3, [1f, 1f, 1f])));
        counted.Accept(Counted(1, examples: 3, (1, [4f, 0f, 0f])));

        Assert.Equal(sparse.Complete().Values.ToArray(), counted.Complete().Values.ToArray());
    }

    [Fact]
    public void CompleteProtected_Mean_DividesEachItemsSumByItsCount()
    {
        // The mean over K = 2 counted vectors of the two updates above, as a protected round would hand it back.
        var aggregator = new ItemAggregator(ItemAggregation.Mean);
        var mean = new ParameterSet(aggregator.ProtectedLayout(Global));
        foreach (var update in new[] { Counted(0, 1, (1, [2f, 4f, 6f]), (3, [1f, 1f, 1f])), Counted(1, 3, (1, [4f, 0f, 0f])) })
        {
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(update.Delta.Values, 0.5f, mean.Values, mean.Values);
        }

        var result = aggregator.CompleteProtected(mean, updates: 2, Global);

        // Item 1: sums (6, 4, 6) over a count of 2; item 3: (1, 1, 1) over 1; items 0 and 2: count 0, so 0.
        Assert.Equal(Global, result.Layout);
        Assert.Equal([0f, 0f, 3f, 2f, 0f, 0f, 1f, 1f], result[ItemModel.Factors].ToArray());
        Assert.Equal([0f, 3f, 0f, 1f], result[ItemModel.Bias].ToArray());
    }

    [Fact]
    public void CompleteProtected_GradientSum_IsTheMeanTimesTheUpdates()
    {
        var aggregator = new ItemAggregator(ItemAggregation.GradientSum);
        Assert.Equal(Global, aggregator.ProtectedLayout(Global));
        var mean = new ParameterSet(Global);
        mean[ItemModel.Bias][1] = 3f;
        mean[ItemModel.Factors][6] = 0.5f;

        var result = aggregator.CompleteProtected(mean, updates: 2, Global);

        Assert.Equal([0f, 6f, 0f, 0f], result[ItemModel.Bias].ToArray());
        Assert.Equal(1f, result[ItemModel.Factors][6]);
    }

    [Fact]
    public void DescribeMisfit_CountedUpdate_CountsMustBeZeroOrOne()
    {
        var update = Counted(0, 1, (1, [2f, 4f, 6f])).Delta;
        Assert.Null(new ItemAggregator().DescribeMisfit(Global, update));

        update[ItemModel.Counts][2] = 0.5f;

        Assert.Equal("item_counts[2] = 0.5; a count is 0 (not touched) or 1 (touched)", new ItemAggregator().DescribeMisfit(Global, update));
    }

    private static PartyUpdate Counted(int party, int examples, params (int Row, float[] Values)[] rows)
    {
        var update = new ParameterSet(ItemModel.CountedLayout(4, 2));
        foreach (var (row, values) in rows)
        {
            update[ItemModel.Factors][row * 2] = values[0];
            update[ItemModel.Factors][(row * 2) + 1] = values[1];
            update[ItemModel.Bias][row] = values[2];
            update[ItemModel.Counts][row] = 1;
        }

        return new PartyUpdate(TestData.Party(party), update, examples, 0);
    }

    private static PartyUpdate Update(int party, int examples, params (int Row, float[] Values)[] rows)
    {
        var update = new ParameterSet(ItemModel.SparseLayout(rows.Length, 2));
        for (var j = 0; j < rows.Length; j++)
        {
            update[ItemModel.Rows][j] = rows[j].Row;
            update[ItemModel.Factors][j * 2] = rows[j].Values[0];
            update[ItemModel.Factors][(j * 2) + 1] = rows[j].Values[1];
            update[ItemModel.Bias][j] = rows[j].Values[2];
        }

        return new PartyUpdate(TestData.Party(party), update, examples, 0);
    }

    private static PartyUpdate Dense(int party, params (int Row, float[] Values)[] rows)
    {
        var update = new ParameterSet(Global);
        foreach (var (row, values) in rows)
        {
            update[ItemModel.Factors][row * 2] = values[0];
            update[ItemModel.Factors][(row * 2) + 1] = values[1];
            update[ItemModel.Bias][row] = values[2];
        }

        return new PartyUpdate(TestData.Party(party), update, 1, 0);
    }
}
