using Causeway.Core.Serialization;

namespace Causeway.Core.Tests.Serialization;

// Regressions found by fuzz/ (target data-description): a joining party's statistics with a null where an array or an
// entry belongs reached the coordinator's merge and threw NullReferenceException instead of being refused.
public sealed class FeatureStatisticsJsonTests
{
    private const string Valid =
        """{"Rows":2,"NumericColumns":["a"],"Counts":[2],"Sums":[{"Partials":[3]}],"SumsOfSquares":[{"Partials":[5]}],"CategoricalColumns":["c"],"CategoryCounts":[[1,1]]}""";

    [Fact]
    public void Deserialize_ValidStatistics_ReadsThem()
    {
        var statistics = FeatureStatisticsJson.Deserialize(Valid, "party 'p''s join");

        Assert.Equal(2, statistics.Rows);
        Assert.Equal(3.0, statistics.Sums[0].Value);
        Assert.Equal([1L, 1L], statistics.CategoryCounts[0]);
    }

    [Theory]
    [InlineData("\"Sums\":[{\"Partials\":[3]}]", "\"Sums\":[null]")]
    [InlineData("\"SumsOfSquares\":[{\"Partials\":[5]}]", "\"SumsOfSquares\":[{\"Partials\":null}]")]
    [InlineData("\"Counts\":[2]", "\"Counts\":null")]
    [InlineData("\"NumericColumns\":[\"a\"]", "\"NumericColumns\":null")]
    [InlineData("\"NumericColumns\":[\"a\"]", "\"NumericColumns\":[null]")]
    [InlineData("\"CategoryCounts\":[[1,1]]", "\"CategoryCounts\":[null]")]
    [InlineData("\"CategoricalColumns\":[\"c\"]", "\"CategoricalColumns\":null")]
    [InlineData("\"Rows\":2", "\"Rows\":2,\"Histograms\":null")]
    public void Deserialize_NullArrayOrEntry_ThrowsInvalidDataNamingTheSource(string field, string replacement)
    {
        var json = Valid.Replace(field, replacement, StringComparison.Ordinal);

        var error = Assert.Throws<InvalidDataException>(() => FeatureStatisticsJson.Deserialize(json, "party 'p''s join"));

        Assert.Equal("party 'p''s join: the feature statistics hold a null array or a null entry.", error.Message);
    }
}
