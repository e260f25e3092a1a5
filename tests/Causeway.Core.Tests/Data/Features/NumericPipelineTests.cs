using Causeway.Core.Data;
using Causeway.Core.Serialization;

namespace Causeway.Core.Tests.Data.Features;

public sealed class NumericPipelineTests
{
    private static DataSchema Parse(string columns) => DataSchema.Parse(
        $$$"""{"format": {"missingValues": ["?"]}, "columns": [{{{columns}}}, {"name": "y", "type": "label", "regression": true}]}""", "n.json");

    private static TabularData Encode(DataSchema schema, string csv, out FeatureStatistics statistics)
    {
        var table = TableReader.Read(new StringReader(csv), "n.csv", schema);
        statistics = FeatureStatistics.Compute(table);
        return FeatureEncoder.Encode(table, schema, statistics);
    }

    [Fact]
    public void Encode_MinMax_ScalesOverTheAgreedRangeAndImputesTheMean()
    {
        var schema = Parse("""{"name": "x", "type": "numeric", "scale": "minmax", "range": [0, 200], "missing": "impute-mean"}""");

        var data = Encode(schema, "x,y\n50,0\n250,0\n?,0\n", out _);

        // Mean of the present values 150 -> 0.75; 250 lies outside the range and is not clipped.
        Assert.Equal([0.25f, 1.25f, 0.75f], data.Features);
    }

    [Fact]
    public void Encode_ConstantImputationWithIndicator_FillsAndMarks()
    {
        var schema = Parse("""{"name": "x", "type": "numeric", "scale": "none", "missing": "impute-constant", "fill": -1, "indicator": true}""");

        var data = Encode(schema, "x,y\n4,0\n?,0\n2,0\n", out var statistics);

        Assert.Equal(["x", "x#missing"], data.FeatureNames);
        Assert.Equal([4f, 0f, -1f, 1f, 2f, 0f], data.Features);
        Assert.Equal(5.0, statistics.Sums[0].Value);
    }

    [Fact]
    public void Encode_IndicatorWithImputeMean_StandardisesAndMarks()
    {
        var schema = Parse("""{"name": "x", "type": "numeric", "missing": "impute-mean", "indicator": true}""");

        var data = Encode(schema, "x,y\n1,0\n?,0\n3,0\n", out _);

        Assert.Equal([-1f, 0f, 0f, 1f, 1f, 0f], data.Features);
    }

    [Fact]
    public void Encode_EqualWidthBins_OneHotsTheBinAndZeroesMissing()
    {
        var schema = Parse("""{"name": "x", "type": "numeric", "range": [0, 10], "bins": {"count": 5}, "missing": "impute-mean"}""");

        var data = Encode(schema, "x,y\n0,0\n3.9,0\n4,0\n10,0\n-3,0\n99,0\n?,0\n", out var statistics);

        Assert.Equal(["x#bin0", "x#bin1", "x#bin2", "x#bin3", "x#bin4"], data.FeatureNames);
        Assert.Equal([2.0, 4.0, 6.0, 8.0], FeatureEncoder.BinEdges(schema.Columns[0], statistics));
        Assert.Equal([0, 1, 2, 4, 0, 4, -1], Enumerable.Range(0, data.Rows).Select(r => Array.IndexOf(data.Row(r).ToArray(), 1f)));
        Assert.Empty(statistics.Histograms);
    }

    [Fact]
    public void Encode_QuantileBins_EdgesFromMergedHistogramSplitRowsEvenly()
    {
        var schema = Parse("""{"name": "x", "type": "numeric", "range": [0, 1000], "bins": {"count": 4, "method": "quantile", "resolution": 1000}}""");
        var values = Enumerable.Range(0, 400).Select(i => (i * i) / 160.0).ToArray();
        var parts = values.Chunk(150).Select(chunk => TableReader.Read(
            new StringReader("x,y\n" + string.Concat(chunk.Select(v => FormattableString.Invariant($"{v},0\n")))), "p.csv", schema)).ToList();

        var statistics = FeatureStatistics.Merge(parts.Select(FeatureStatistics.Compute));
        var edges = FeatureEncoder.BinEdges(schema.Columns[0], statistics);
        var data = parts.Select(p => FeatureEncoder.Encode(p, schema, statistics)).ToList();

        Assert.Equal(["x"], statistics.HistogramColumns);
        Assert.Equal(400, statistics.Histograms[0].Total);
        var sorted = values.Order().ToArray();
        for (var k = 1; k < 4; k++)
        {
            Assert.InRange(edges[k - 1], sorted[(100 * k) - 1] - 1.0, sorted[(100 * k) - 1] + 1.0);
        }

        var perBin = data.SelectMany(d => Enumerable.Range(0, d.Rows).Select(r => Array.IndexOf(d.Row(r).ToArray(), 1f))).CountBy(b => b).OrderBy(p => p.Key);
        Assert.All(perBin, p => Assert.InRange(p.Value, 98, 102));
    }

    [Fact]
    public void Statistics_WrittenBeforePipelines_StillReadAndEncodeAPlainSchema()
    {
        var schema = Parse("""{"name": "x", "type": "numeric"}""");
        const string Legacy = """{"Rows":2,"NumericColumns":["x"],"Counts":[2],"Sums":[{"Partials":[4]}],"SumsOfSquares":[{"Partials":[10]}],"CategoricalColumns":[],"CategoryCounts":[]}""";

        var statistics = FeatureStatisticsJson.Deserialize(Legacy, "old run");

        Assert.Empty(statistics.TextColumns);
        Assert.Empty(statistics.Histograms);
        Assert.Null(FeatureEncoder.DescribeMismatch(schema, statistics));
        Assert.Equal([1.0], statistics.Variances);
    }

    [Theory]
    [InlineData("""{"name": "x", "type": "numeric", "scale": "minmax"}""", "field 'columns[0] ('x').range': min-max scaling and binning need")]
    [InlineData("""{"name": "x", "type": "numeric", "bins": {"count": 4}}""", "field 'columns[0] ('x').range'")]
    [InlineData("""{"name": "x", "type": "numeric", "range": [5, 1]}""", "the range must be two finite numbers [lo, hi] with lo < hi")]
    [InlineData("""{"name": "x", "type": "numeric", "range": [0, 1], "bins": {"count": 1}}""", "field 'columns[0] ('x').bins.count'")]
    [InlineData("""{"name": "x", "type": "numeric", "range": [0, 1], "bins": {"count": 4, "resolution": 100}}""", "a resolution is only for quantile bins")]
    [InlineData("""{"name": "x", "type": "numeric", "missing": "impute-constant"}""", "field 'columns[0] ('x').fill'")]
    [InlineData("""{"name": "x", "type": "numeric", "indicator": true}""", "a missing indicator needs a policy that keeps missing cells")]
    [InlineData("""{"name": "x", "type": "numeric", "scale": "log"}""", "unknown scaling 'log'")]
    [InlineData("""{"name": "x", "type": "categorical", "categories": ["a"], "range": [0, 1]}""", "\"range\" is only allowed on a numeric column")]
    [InlineData("""{"name": "x", "type": "numeric", "features": 8}""", "\"features\" is only allowed on a text column")]
    [InlineData("""{"name": "x", "type": "text", "features": 0}""", "field 'columns[0] ('x').features'")]
    [InlineData("""{"name": "x", "type": "text", "weighting": "bm25"}""", "unknown weighting 'bm25'")]
    [InlineData("""{"name": "x", "type": "text", "stopWords": ["The"]}""", "'The' is not a single lower-case token")]
    [InlineData("""{"name": "x", "type": "timestamp"}""", "a timestamp column orders a windowed table")]
    public void Parse_BadPipelineField_NamesFileAndField(string column, string expected)
    {
        var error = Assert.Throws<DataFormatException>(() => Parse(column));

        Assert.StartsWith("n.json: field '", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
