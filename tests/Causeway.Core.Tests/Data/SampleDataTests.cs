using System.Security.Cryptography;
using Causeway.Core.Data;
using Causeway.Core.Models;

namespace Causeway.Core.Tests.Data;

/// <summary>Reads the datasets bundled under samples/ with their schemas and checks them against the documented counts.</summary>
public sealed class SampleDataTests
{
    private static readonly DataSchema AdultSchema = DataSchema.Load(SampleFiles.Path("adult", "schema.json"));
    private static readonly DataSchema HeartSchema = DataSchema.Load(SampleFiles.Path("heart", "schema.json"));

    [Theory]
    [InlineData("uci-adult")]
    [InlineData("uci-heart-disease")]
    [InlineData("breast-cancer-wisconsin")]
    public void Checksums_BundledFiles_MatchSha256Sums(string folder)
    {
        var lines = File.ReadAllLines(SampleFiles.Path("data", folder, "SHA256SUMS"));

        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            var hash = line[..64];
            var name = line[66..];
            var actual = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(SampleFiles.Path("data", folder, name))));
            Assert.True(hash == actual, $"{folder}/{name}: expected {hash}, got {actual}.");
        }
    }

    [Fact]
    public void Read_AdultTrain_DocumentedRowsClassesAndMissingCells()
    {
        var table = TableReader.Read(SampleFiles.Path("data", "uci-adult", "adult.data"), AdultSchema);

        Assert.Equal(32_561, table.Rows);
        Assert.Equal(0, table.DroppedRows);
        Assert.Equal(24_720, table.Labels.Count(l => l == 0f));
        Assert.Equal(7_841, table.Labels.Count(l => l == 1f));
        Assert.Equal(new Dictionary<string, int> { ["workclass"] = 1_836, ["occupation"] = 1_843, ["native-country"] = 583 }, table.MissingCounts);
        Assert.Empty(table.UnknownCategoryCounts);
        Assert.Equal([39.0, 50.0, 38.0], table.Numeric("age")[..3]);
        Assert.Equal("State-gov", AdultSchema.Find("workclass")!.Categories[table.Categorical("workclass")[0]]);
    }

    [Fact]
    public void Read_AdultTest_SkipsBannerAndMapsDottedLabels()
    {
        var table = TableReader.Read(SampleFiles.Path("data", "uci-adult", "adult.test"), AdultSchema);

        Assert.Equal(16_281, table.Rows);
        Assert.Equal(12_435, table.Labels.Count(l => l == 0f));
        Assert.Equal(3_846, table.Labels.Count(l => l == 1f));
        Assert.Equal(new Dictionary<string, int> { ["workclass"] = 963, ["occupation"] = 966, ["native-country"] = 274 }, table.MissingCounts);
        Assert.Empty(table.UnknownCategoryCounts);
    }

    [Theory]
    [InlineData("adult.data", 30_162, 2_399)]
    [InlineData("adult.test", 15_060, 1_221)]
    public void Read_AdultWithDropRow_GivesDocumentedCompleteRows(string file, int rows, int dropped)
    {
        var json = File.ReadAllText(SampleFiles.Path("adult", "schema.json"))
            .Replace("\"missing\": \"impute-mean\"", "\"missing\": \"drop-row\"", StringComparison.Ordinal);
        var schema = DataSchema.Parse(json, "adult-drop-row.json");

        var table = TableReader.Read(SampleFiles.Path("data", "uci-adult", file), schema);

        Assert.Equal(MissingPolicy.DropRow, schema.Missing);
        Assert.Equal(rows, table.Rows);
        Assert.Equal(dropped, table.DroppedRows);
        Assert.Empty(table.MissingCounts);
    }

    [Fact]
    public void Encode_AdultWithFederatedStatistics_GivesLogisticRegressionShape()
    {
        var table = TableReader.Read(SampleFiles.Path("data", "uci-adult", "adult.data"), AdultSchema);
        var parts = Partitioner.Dirichlet(table.Labels, 2, 5, 0.5, new Random(42));
        var statistics = FeatureStatistics.Merge(parts.Select(p => FeatureStatistics.Compute(table.Select(p))));

        var data = FeatureEncoder.Encode(table, AdultSchema, statistics);

        Assert.Equal(FeatureStatistics.Compute(table), statistics);
        Assert.Equal(105, FeatureEncoder.FeatureCount(AdultSchema));
        Assert.Equal(105, data.Columns);
        Assert.Equal(LearningTask.BinaryClassification, FeatureEncoder.TaskOf(AdultSchema));
        Assert.Equal("workclass=Private", data.FeatureNames[1]);
        Assert.Equal(38.58164675532078, statistics.Means[0], 10);
        Assert.All(data.Features, x => Assert.True(float.IsFinite(x)));

        // A standardised column has mean 0 and population standard deviation 1 over the federation.
        var age = Enumerable.Range(0, data.Rows).Select(r => (double)data.Row(r)[0]).ToArray();
        Assert.Equal(0.0, age.Average(), 5);
        Assert.Equal(1.0, Math.Sqrt(age.Average(x => x * x)), 5);
    }

    [Theory]
    [InlineData("processed.cleveland.data", 303, 164, 6)]
    [InlineData("processed.hungarian.data", 294, 188, 782)]
    [InlineData("processed.switzerland.data", 123, 8, 273)]
    [InlineData("processed.va.data", 200, 51, 698)]
    public void Read_HeartSite_DocumentedRowsClassesAndMissingCells(string file, int rows, int healthy, int missing)
    {
        var table = TableReader.Read(SampleFiles.Path("data", "uci-heart-disease", file), HeartSchema);

        Assert.Equal(rows, table.Rows);
        Assert.Equal(healthy, table.Labels.Count(l => l == 0f));
        Assert.Equal(rows - healthy, table.Labels.Count(l => l == 1f));
        Assert.Equal(missing, table.MissingCounts.Values.Sum());
        Assert.Empty(table.UnknownCategoryCounts);
    }

    [Fact]
    public void Encode_HeartFourSites_FederatedStatisticsGive22Features()
    {
        string[] sites = ["processed.cleveland.data", "processed.hungarian.data", "processed.switzerland.data", "processed.va.data"];
        var tables = sites.Select(s => TableReader.Read(SampleFiles.Path("data", "uci-heart-disease", s), HeartSchema)).ToArray();
        var statistics = FeatureStatistics.Merge(tables.Select(FeatureStatistics.Compute));

        var encoded = tables.Select(t => FeatureEncoder.Encode(t, HeartSchema, statistics)).ToArray();

        Assert.Equal(920, statistics.Rows);
        Assert.Equal(22, FeatureEncoder.FeatureCount(HeartSchema));
        Assert.Equal(["cp=1", "cp=2", "cp=3", "cp=4"], encoded[0].FeatureNames.Skip(2).Take(4));
        Assert.Equal(920, encoded.Sum(e => e.Rows));
        Assert.All(encoded, e => Assert.All(e.Features, x => Assert.True(float.IsFinite(x))));

        // Cleveland writes "1.0" where the others write "1": both must land on the same one-hot.
        Assert.Equal([23L + 23, 50L + 124, 86L + 118, 144L + 352], statistics.CategoryCounts[0]);
    }
}
