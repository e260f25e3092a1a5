using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data.Features;

public sealed class WindowAggregatorTests
{
    private const string Schema = """
        {"format": {"missingValues": ["?"]},
         "columns": [{"name": "sensor", "type": "id"},
                     {"name": "time", "type": "timestamp"},
                     {"name": "temp", "type": "numeric", "missing": "impute-mean"},
                     {"name": "row", "type": "ignore"},
                     {"name": "busy", "type": "label", "classes": {"0": ["0"], "1": ["1"]}}],
         "window": {"entity": "sensor", "timestamp": "time", "seconds": 60, "label": "majority"}}
        """;

    // Sensor s1: window [0, 60) holds 10 (t=0), 14 (t=20), 12 (t=40); window [60, 120) holds 20 (t=60), a missing value
    // (t=90). Sensor s2 (listed first, in window [0, 60)): 5 (t=30). Rows are out of order on purpose.
    private const string Csv = """
        sensor,time,temp,row,busy
        s2,1970-01-01T00:00:30Z,5,a,0
        s1,20,14,b,1
        s1,0,10,c,1
        s1,1970-01-01 00:01:30,?,d,1
        s1,40,12,e,0
        s1,60,20,f,0
        """;

    [Fact]
    public void Read_WindowedSchema_AggregatesPerEntityAndWindow()
    {
        var schema = DataSchema.Parse(Schema, "w.json");

        var table = TableReader.Read(new StringReader(Csv), "w.csv", schema);

        Assert.Equal(
            ["sensor", "temp_mean", "temp_std", "temp_min", "temp_max", "temp_slope", "temp_count", "busy"],
            schema.Columns.Select(c => c.Name));
        Assert.Equal(["s2", "s1", "s1"], table.Ids("sensor"));
        Assert.Equal([5.0, 12.0, 20.0], table.Numeric("temp_mean"));
        Assert.Equal([0.0, Math.Sqrt(8.0 / 3.0), 0.0], table.Numeric("temp_std"));
        Assert.Equal([5.0, 10.0, 20.0], table.Numeric("temp_min"));
        Assert.Equal([5.0, 14.0, 20.0], table.Numeric("temp_max"));

        // Slope of (0, 10), (20, 14), (40, 12): t̄ = 20, x̄ = 12; Σ(t − t̄)(x − x̄) = 40, Σ(t − t̄)² = 800.
        Assert.Equal([0.0, 0.05, 0.0], table.Numeric("temp_slope"));
        Assert.Equal([1.0, 3.0, 1.0], table.Numeric("temp_count"));
        Assert.Equal([0f, 1f, 0f], table.Labels);
        Assert.Equal(1, table.MissingCounts["temp"]);
    }

    [Fact]
    public void Read_LastLabelAndOneRowPerEntity_TakesTheLatestRow()
    {
        var schema = DataSchema.Parse(
            Schema.Replace("\"seconds\": 60, \"label\": \"majority\"", "\"aggregates\": [\"count\", \"max\"], \"label\": \"last\"", StringComparison.Ordinal), "w.json");

        var table = TableReader.Read(new StringReader(Csv), "w.csv", schema);

        Assert.Equal(["sensor", "temp_count", "temp_max", "busy"], schema.Columns.Select(c => c.Name));
        Assert.Equal([1.0, 4.0], table.Numeric("temp_count"));
        Assert.Equal([5.0, 20.0], table.Numeric("temp_max"));
        Assert.Equal([0f, 1f], table.Labels);
    }

    [Fact]
    public void Encode_WindowedTable_UsesTheAggregatesAsFeatures()
    {
        var schema = DataSchema.Parse(Schema, "w.json");
        var table = TableReader.Read(new StringReader(Csv), "w.csv", schema);

        var data = FeatureEncoder.Encode(table, schema, FeatureStatistics.Compute(table));

        Assert.Equal(6, data.Columns);
        Assert.Equal(3, data.Rows);
    }

    [Fact]
    public void Read_BadTimestamp_NamesLineAndColumn()
    {
        var schema = DataSchema.Parse(Schema, "w.json");

        var error = Assert.Throws<DataFormatException>(() => TableReader.Read(new StringReader("sensor,time,temp,row,busy\ns1,yesterday,1,a,0\n"), "w.csv", schema));

        Assert.StartsWith("w.csv:2, column 'time': 'yesterday' is not a timestamp", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"timestamp\": \"time\"", "\"timestamp\": \"temp\"", "field 'window.timestamp'")]
    [InlineData("\"entity\": \"sensor\"", "\"entity\": \"temp\"", "field 'window.entity'")]
    [InlineData("\"seconds\": 60", "\"seconds\": 0", "field 'window.seconds'")]
    [InlineData("\"label\": \"majority\"", "\"aggregates\": [\"median\"]", "unknown aggregate 'median'")]
    [InlineData("\"type\": \"ignore\"", "\"type\": \"text\"", "field 'columns ('row')': the column is text; a windowed table aggregates numeric columns only.")]
    [InlineData("\"missing\": \"impute-mean\"", "\"scale\": \"none\"", "in a windowed table the features are the aggregates")]
    public void Parse_BadWindow_NamesTheField(string from, string to, string expected)
    {
        var error = Assert.Throws<DataFormatException>(() => DataSchema.Parse(Schema.Replace(from, to, StringComparison.Ordinal), "w.json"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
