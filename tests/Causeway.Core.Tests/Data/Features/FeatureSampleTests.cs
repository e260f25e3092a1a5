using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data.Features;

public sealed class FeatureSampleTests
{
    [Fact]
    public void Sentiment_TrainAndTest_ReadEveryLineWithSitesBalanced()
    {
        var schema = DataSchema.Load(SampleFiles.Path("sentiment", "schema.json"));

        var train = TableReader.Read(SampleFiles.Path("data", "sentiment-labelled-sentences", "sentiment-train.tsv"), schema);
        var test = TableReader.Read(SampleFiles.Path("data", "sentiment-labelled-sentences", "sentiment-test.tsv"), schema);

        Assert.Equal(2400, train.Rows);
        Assert.Equal(600, test.Rows);
        Assert.Equal([800, 800, 800], train.Ids("site").CountBy(s => s).Select(p => p.Value));
        Assert.Equal(1209, train.Labels.Count(l => l == 1f));
        var statistics = FeatureStatistics.Compute(train);
        Assert.Equal(4096, statistics.DocumentFrequencies[0].Length);
        Assert.Equal(4096, FeatureEncoder.FeatureCount(schema));
    }

    [Fact]
    public void Occupancy_TenMinuteWindows_MatchTheDocumentedCounts()
    {
        var schema = DataSchema.Load(SampleFiles.Path("occupancy", "schema.json"));

        var train = TableReader.Read(SampleFiles.Path("data", "uci-occupancy-detection", "occupancy-train.csv"), schema);
        var test = TableReader.Read(SampleFiles.Path("data", "uci-occupancy-detection", "occupancy-test.csv"), schema);

        Assert.Equal(1545, train.Rows);
        Assert.Equal(339, train.Labels.Count(l => l == 1f));
        Assert.Equal(517, test.Rows);
        Assert.Equal(139, test.Labels.Count(l => l == 1f));
        Assert.Equal(["datatraining", "datatest", "datatest2"], train.Ids("site").Distinct());
        Assert.Equal(30, FeatureEncoder.FeatureCount(schema));
        Assert.Equal(15419.0, train.Numeric("Temperature_count").Sum());
    }
}
