using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data;

public sealed class TableReaderTests
{
    private static DataSchema Schema(string format, string missing = "reject", string extraColumn = "") => DataSchema.Parse(
        $$$"""
        {"format": {{{format}}},
         "columns": [
           {"name": "age", "type": "numeric"},
           {"name": "work", "type": "categorical", "categories": ["Private", "State-gov"]},
           {{{extraColumn}}}
           {"name": "income", "type": "label", "classes": {"0": ["<=50K", "<=50K."], "1": [">50K", ">50K."]}}],
         "missing": "{{{missing}}}"}
        """,
        "schema.json");

    private static DataTable Read(string text, DataSchema schema) => TableReader.Read(new StringReader(text), "t.csv", schema);

    [Fact]
    public void Read_CommaSpaceWithBannerAndTrailingDots_MapsLabelsAndCategories()
    {
        var schema = Schema("""{"header": false, "skipLinesStartingWith": ["|"], "missingValues": ["?"]}""");
        const string Text = "|1x3 Cross validator\r\n25, Private, <=50K.\r\n\r\n38, State-gov, >50K\r\n   \r\n";

        var table = Read(Text, schema);

        Assert.Equal(2, table.Rows);
        Assert.Equal([25.0, 38.0], table.Numeric("age"));
        Assert.Equal([0, 1], table.Categorical("work"));
        Assert.Equal([0f, 1f], table.Labels);
        Assert.Equal(0, table.DroppedRows);
    }

    [Fact]
    public void Read_MultiCharacterDelimiter_SplitsOnWholeDelimiter()
    {
        var schema = Schema("""{"delimiter": ", ", "header": false, "trimWhitespace": false}""");

        var table = Read("1.5, Private, >50K\n-2e3, State-gov, <=50K\n", schema);

        Assert.Equal([1.5, -2000.0], table.Numeric("age"));
        Assert.Equal([1f, 0f], table.Labels);
    }

    [Fact]
    public void Read_HeaderInAnyOrder_MapsColumnsByName()
    {
        var schema = Schema("{}");

        var table = Read("income,work,age\n>50K,State-gov,7\n<=50K,Private,9\n", schema);

        Assert.Equal([7.0, 9.0], table.Numeric("age"));
        Assert.Equal([1, 0], table.Categorical("work"));
        Assert.Equal([1f, 0f], table.Labels);
    }

    [Fact]
    public void Read_ByteOrderMarkBeforeHeader_IsIgnored()
    {
        var table = Read("\uFEFFage,work,income\n5,Private,>50K\n", Schema("{}"));

        Assert.Equal([5.0], table.Numeric("age"));
    }

    [Fact]
    public void Read_QuotedFields_HandlesDelimitersEscapedQuotesAndLineBreaks()
    {
        var schema = Schema("{}", extraColumn: """{"name": "note", "type": "id"},""");
        const string Text = "age,work,note,income\n"
            + "1,Private,\"a, b\",>50K\n"
            + "2,\"State-gov\",\"she said \"\"hi\"\"\",<=50K\n"
            + "3,Private,\"two\nlines\",>50K\n"
            + "4,Private, \"spaced\" ,>50K\n";

        var table = Read(Text, schema);

        Assert.Equal(["a, b", "she said \"hi\"", "two\nlines", "spaced"], table.Ids("note"));
        Assert.Equal([1.0, 2.0, 3.0, 4.0], table.Numeric("age"));
        Assert.Equal([0, 1, 0, 0], table.Categorical("work"));
    }

    [Fact]
    public void Read_QuotedFieldSpanningLines_ReportsLineOfNextRecordCorrectly()
    {
        var schema = Schema("{}", extraColumn: """{"name": "note", "type": "id"},""");
        const string Text = "age,work,note,income\n1,Private,\"x\ny\",>50K\nbad,Private,z,>50K\n";

        var error = Assert.Throws<DataFormatException>(() => Read(Text, schema));

        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Read_UnterminatedQuote_ThrowsWithStartLine()
    {
        var schema = Schema("{}", extraColumn: """{"name": "note", "type": "id"},""");

        var error = Assert.Throws<DataFormatException>(() => Read("age,work,note,income\n1,Private,\"open,>50K\n", schema));

        Assert.Equal("t.csv:2: a quoted field is not closed before the end of the file.", error.Message);
    }

    [Fact]
    public void Read_TabSeparatedWithUnbalancedQuotes_SplitsOnTabOnly()
    {
        var schema = DataSchema.Parse(
            """
            {"format": {"delimiter": "\t", "header": false},
             "columns": [{"name": "text", "type": "id"}, {"name": "label", "type": "label", "classes": {"0": ["0"], "1": ["1"]}}]}
            """,
            "s.json");
        const string Text = "A \"very\" good film\t1\n\"Unbalanced start\t0\nends with quote\"\t1\n";

        var table = Read(Text, schema);

        Assert.Equal(3, table.Rows);
        Assert.Equal(["A \"very\" good film", "\"Unbalanced start", "ends with quote\""], table.Ids("text"));
        Assert.Equal([1f, 0f, 1f], table.Labels);
    }

    // Found by fuzz/ (csv): 1e200 is finite, but its square is not, and FeatureStatistics.Compute threw ArgumentOutOfRangeException.
    [Theory]
    [InlineData("1e200")]
    [InlineData("-3.5e38")]
    public void Read_ValueBeyondFloat32_MessageNamesFileLineAndColumn(string value)
    {
        var schema = Schema("{}");

        var error = Assert.Throws<DataFormatException>(() => Read($"age,work,income\n1,Private,>50K\n{value},Private,>50K\n", schema));

        Assert.Equal($"t.csv:3, column 'age': '{value}' is beyond the float32 range of features (±3.40282347E+38).", error.Message);
    }

    [Fact]
    public void Read_LargestFloat32_ReadsAndComputesStatistics()
    {
        var table = Read("age,work,income\n3.4e38,Private,>50K\n-3.4e38,Private,>50K\n", Schema("{}"));

        var statistics = FeatureStatistics.Compute(table);

        Assert.Equal(0.0, statistics.Sums[0].Value);
        Assert.Equal(2 * 3.4e38 * 3.4e38, statistics.SumsOfSquares[0].Value);
    }

    [Fact]
    public void Read_NonNumericValue_MessageNamesFileLineAndColumn()
    {
        var schema = Schema("{}");

        var error = Assert.Throws<DataFormatException>(() => Read("age,work,income\n1,Private,>50K\n\nabc,Private,>50K\n", schema));

        Assert.Equal("t.csv:4, column 'age': 'abc' is not a finite number.", error.Message);
        Assert.Equal("t.csv", error.SourceName);
        Assert.Equal(4, error.Line);
        Assert.Equal("age", error.Column);
    }

    [Fact]
    public void Read_FromPath_MessageNamesThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), $"causeway-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "age,work,income\n1,Private,>50K\n2,Private,maybe\n");
        try
        {
            var error = Assert.Throws<DataFormatException>(() => TableReader.Read(path, Schema("{}")));

            Assert.StartsWith($"{path}:3, column 'income': unknown label 'maybe'", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_WrongFieldCount_ThrowsWithLine()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("age,work,income\n1,Private\n", Schema("{}")));

        Assert.Equal("t.csv:2: expected 3 fields separated by ',', found 2.", error.Message);
    }

    [Fact]
    public void Read_HeaderWithUnlistedColumn_ThrowsNamingIt()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("age,work,income,extra\n", Schema("{}")));

        Assert.Equal("extra", error.Column);
        Assert.StartsWith("t.csv:1, column 'extra': the header names a column the schema does not list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderMissingSchemaColumn_ThrowsNamingIt()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("age,income\n", Schema("{}")));

        Assert.Equal("t.csv:1, column 'work': the schema lists this column but the header does not name it.", error.Message);
    }

    [Fact]
    public void Read_MissingValueUnderReject_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("age,work,income\n,Private,>50K\n", Schema("{}")));

        Assert.Equal("t.csv:2, column 'age': the value '' is missing and the column's missing-value policy is reject.", error.Message);
    }

    [Fact]
    public void Read_MissingValueUnderDropRow_DropsAndCountsRows()
    {
        var schema = Schema("""{"missingValues": ["?"]}""", missing: "drop-row");

        var table = Read("age,work,income\n?,Private,>50K\n2,?,<=50K\n3,State-gov,>50K\n4,Private,?\n", schema);

        Assert.Equal(1, table.Rows);
        Assert.Equal(3, table.DroppedRows);
        Assert.Equal([3.0], table.Numeric("age"));
        Assert.Equal([1], table.Categorical("work"));
        Assert.Equal([1f], table.Labels);
    }

    [Fact]
    public void Read_MissingValuesUnderImpute_KeepsNaNZeroAndMinusOne()
    {
        var schema = DataSchema.Parse(
            """
            {"format": {"missingValues": ["?"]},
             "columns": [
               {"name": "a", "type": "numeric"},
               {"name": "b", "type": "numeric", "missing": "impute-zero"},
               {"name": "c", "type": "categorical", "categories": ["x"]},
               {"name": "y", "type": "label", "regression": true}],
             "missing": "impute-mean"}
            """,
            "s.json");

        var table = Read("a,b,c,y\n?,?,?,1.5\n1,2,x,-3\n", schema);

        Assert.Equal([double.NaN, 1.0], table.Numeric("a"));
        Assert.Equal([0.0, 2.0], table.Numeric("b"));
        Assert.Equal([-1, 0], table.Categorical("c"));
        Assert.Equal([1.5f, -3f], table.Labels);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1, ["c"] = 1 }, table.MissingCounts);
    }

    [Fact]
    public void Read_MissingLabelUnderImpute_Throws()
    {
        var schema = Schema("""{"missingValues": ["?"]}""", missing: "impute-mean");

        var error = Assert.Throws<DataFormatException>(() => Read("age,work,income\n1,Private,?\n", schema));

        Assert.Equal(
            "t.csv:2, column 'income': the label '?' is missing, and a label cannot be imputed; give the label column \"missing\": \"drop-row\" to skip such rows.",
            error.Message);
    }

    [Fact]
    public void Read_UnknownCategory_EncodesMinusOneAndCounts()
    {
        var table = Read("age,work,income\n1,Pirate,>50K\n2,Private,>50K\n3,Ninja,>50K\n", Schema("{}"));

        Assert.Equal([-1, 0, -1], table.Categorical("work"));
        Assert.Equal(new Dictionary<string, int> { ["work"] = 2 }, table.UnknownCategoryCounts);
    }

    [Fact]
    public void Read_UnknownCategoryWithErrorPolicy_Throws()
    {
        var schema = DataSchema.Parse(
            """
            {"columns": [{"name": "c", "type": "categorical", "categories": ["x", "y"], "unknown": "error"},
                         {"name": "t", "type": "label", "regression": true}]}
            """,
            "s.json");

        var error = Assert.Throws<DataFormatException>(() => Read("c,t\nz,1\n", schema));

        Assert.Equal("t.csv:2, column 'c': unknown category 'z'; the schema lists 2 categories and \"unknown\": \"error\".", error.Message);
    }

    [Fact]
    public void Read_IgnoredColumn_IsNotParsed()
    {
        var schema = Schema("""{"header": false}""", extraColumn: """{"name": "junk", "type": "ignore"},""");

        var table = Read("1,Private,not a number,>50K\n", schema);

        Assert.Equal([1.0], table.Numeric("age"));
    }

    [Fact]
    public void Select_Rows_CopiesEveryColumnInOrder()
    {
        var table = Read("age,work,income\n1,Private,>50K\n2,State-gov,<=50K\n3,Private,<=50K\n", Schema("{}"));

        var part = table.Select([2, 0]);

        Assert.Equal([3.0, 1.0], part.Numeric("age"));
        Assert.Equal([0, 0], part.Categorical("work"));
        Assert.Equal([0f, 1f], part.Labels);
    }

    [Fact]
    public void Numeric_WrongColumnType_Throws()
    {
        var table = Read("age,work,income\n1,Private,>50K\n", Schema("{}"));

        Assert.Throws<ArgumentException>(() => table.Numeric("work"));
        Assert.Throws<ArgumentException>(() => table.Numeric("nope"));
    }
}
