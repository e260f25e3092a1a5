using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data;

public sealed class DataSchemaTests
{
    private const string Minimal = """
        {"columns": [{"name": "x", "type": "numeric"}, {"name": "y", "type": "label", "classes": {"0": ["no"], "1": ["yes"]}}]}
        """;

    [Fact]
    public void Parse_FullSchema_ReadsEveryField()
    {
        const string Json = """
            {
              // Comments and trailing commas are allowed.
              "format": {"delimiter": "\t", "header": false, "trimWhitespace": false, "skipLinesStartingWith": ["|", "#"], "missingValues": ["?", "NA"]},
              "columns": [
                {"name": "age", "type": "numeric", "missing": "impute-zero"},
                {"name": "work", "type": "categorical", "categories": ["a", "b"], "unknown": "error"},
                {"name": "site", "type": "id"},
                {"name": "note", "type": "ignore"},
                {"name": "y", "type": "label", "classes": {"1": ["hi", "HI"], "0": ["lo"], "2": ["mid"]}},
              ],
              "missing": "drop-row"
            }
            """;

        var schema = DataSchema.Parse(Json, "s.json");

        Assert.Equal("\t", schema.Format.Delimiter);
        Assert.False(schema.Format.Header);
        Assert.False(schema.Format.TrimWhitespace);
        Assert.False(schema.Format.Quoted);
        Assert.Equal(["|", "#"], schema.Format.SkipLinesStartingWith);
        Assert.Equal(["?", "NA"], schema.Format.MissingValues);
        Assert.Equal(MissingPolicy.DropRow, schema.Missing);
        Assert.Equal([ColumnType.Numeric, ColumnType.Categorical, ColumnType.Id, ColumnType.Ignore, ColumnType.Label], schema.Columns.Select(c => c.Type));
        Assert.Equal(MissingPolicy.ImputeZero, schema.Columns[0].Missing);
        Assert.Equal(MissingPolicy.DropRow, schema.Columns[1].Missing);
        Assert.Equal(UnknownCategoryPolicy.Error, schema.Columns[1].Unknown);
        Assert.Equal(["a", "b"], schema.Columns[1].Categories);
        Assert.Equal(4, schema.LabelIndex);
        Assert.Equal(["lo"], schema.Label.Classes[0]);
        Assert.Equal(["hi", "HI"], schema.Label.Classes[1]);
        Assert.Equal(["mid"], schema.Label.Classes[2]);
    }

    [Fact]
    public void Parse_NoFormat_UsesCsvDefaults()
    {
        var schema = DataSchema.Parse(Minimal, "s.json");

        Assert.Equal(",", schema.Format.Delimiter);
        Assert.True(schema.Format.Header);
        Assert.True(schema.Format.TrimWhitespace);
        Assert.True(schema.Format.Quoted);
        Assert.Equal([string.Empty], schema.Format.MissingValues);
        Assert.Equal(MissingPolicy.Reject, schema.Missing);
    }

    [Theory]
    [InlineData("""{"colums": []}""", "colums", "s.json: field 'colums'")]
    [InlineData("""{"format": {"delimeter": ","}, "columns": []}""", "delimeter", "s.json: field 'format.delimeter'")]
    [InlineData("""{"columns": [{"name": "x", "type": "numeric", "categoris": ["a"]}]}""", "categoris", "s.json: field 'columns[0].categoris'")]
    public void Parse_UnknownField_RejectedWithItsName(string json, string name, string prefix)
    {
        var error = Assert.Throws<DataFormatException>(() => DataSchema.Parse(json, "s.json"));

        Assert.StartsWith(prefix, error.Message, StringComparison.Ordinal);
        Assert.Contains($"unknown field '{name}'", error.Message, StringComparison.Ordinal);
        Assert.Equal("s.json", error.SourceName);
    }

    [Theory]
    [InlineData("""{"columns": [{"name": "x", "type": "numeric"}]}""", "field 'columns': no label column")]
    [InlineData(
        """{"columns": [{"name": "a", "type": "label", "regression": true}, {"name": "b", "type": "label", "regression": true}]}""",
        "field 'columns': 2 label columns ('a', 'b')")]
    [InlineData(
        """{"columns": [{"name": "x", "type": "numerc"}]}""",
        "field 'columns[0] ('x').type': unknown type 'numerc'")]
    [InlineData(
        """{"columns": [{"name": "x", "type": "categorical"}, {"name": "y", "type": "label", "regression": true}]}""",
        "field 'columns[0] ('x').categories': a categorical column needs")]
    [InlineData(
        """{"columns": [{"name": "x", "type": "numeric", "categories": ["a"]}, {"name": "y", "type": "label", "regression": true}]}""",
        "field 'columns[0] ('x').categories': \"categories\" is only allowed on a categorical column")]
    [InlineData(
        """{"columns": [{"name": "y", "type": "label", "classes": {"0": ["a"], "2": ["b"]}}]}""",
        "field 'columns[0] ('y').classes.2': class keys must be the indices 0 to 1")]
    [InlineData(
        """{"columns": [{"name": "y", "type": "label", "classes": {"0": ["a"], "1": ["a"]}}]}""",
        "the string 'a' is listed for more than one class")]
    [InlineData(
        """{"columns": [{"name": "y", "type": "label"}]}""",
        "a classification label needs \"classes\"")]
    [InlineData(
        """{"columns": [{"name": "y", "type": "label", "regression": true}, {"name": "y", "type": "numeric"}]}""",
        "field 'columns[1].name': the column name 'y' is used twice")]
    [InlineData(
        """{"columns": [{"name": "y", "type": "label", "regression": true}], "missing": "impute"}""",
        "field 'missing': unknown missing-value policy 'impute'")]
    [InlineData(
        """{"columns": [{"name": "y", "type": "label", "regression": true, "missing": true}]}""",
        "field 'columns[0].missing': invalid JSON or wrong value type")]
    public void Parse_InvalidSchema_MessageNamesFileAndField(string json, string expected)
    {
        var error = Assert.Throws<DataFormatException>(() => DataSchema.Parse(json, "s.json"));

        Assert.StartsWith("s.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    // Found by fuzz/ (data-description): a repeated field silently took its last value here, while the federation's schema
    // comparison (RunSetup.SameSchema) threw ArgumentException on the same text.
    [Fact]
    public void Parse_RepeatedField_RejectedNamingIt()
    {
        const string Json = """{"columns":[{"name":"x","type":"numeric","type":"label"}]}""";

        var error = Assert.Throws<DataFormatException>(() => DataSchema.Parse(Json, "s.json"));

        Assert.StartsWith("s.json: field 'columns[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("'type'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => DataSchema.Load(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.json")));
    }

    [Fact]
    public void TryGetIndex_NumericText_MatchesSameNumber()
    {
        var schema = DataSchema.Parse(
            """{"columns": [{"name": "cp", "type": "categorical", "categories": ["1", "2", "x"]}, {"name": "y", "type": "label", "regression": true}]}""",
            "s.json");
        var cp = schema.Columns[0];

        Assert.True(cp.TryGetIndex("2", out var exact));
        Assert.True(cp.TryGetIndex("2.0", out var numeric));
        Assert.False(cp.TryGetIndex("3.0", out var missing));
        Assert.False(cp.TryGetIndex("X", out _));

        Assert.Equal(1, exact);
        Assert.Equal(1, numeric);
        Assert.Equal(-1, missing);
    }
}
