using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data;

public sealed class TableReaderRecordsTests
{
    private static readonly DataSchema Schema = DataSchema.Parse(
        """
        {"format": {"missingValues": ["?"]},
         "columns": [{"name": "site", "type": "id"},
                     {"name": "age", "type": "numeric", "missing": "impute-mean"},
                     {"name": "work", "type": "categorical", "categories": ["Private", "State-gov"], "missing": "impute-mean"},
                     {"name": "note", "type": "ignore"},
                     {"name": "income", "type": "label", "classes": {"0": ["<=50K"], "1": [">50K"]}}]}
        """,
        "s.json");

    private static Dictionary<string, string?> Row(params (string Name, string? Value)[] cells) =>
        cells.ToDictionary(c => c.Name, c => c.Value, StringComparer.Ordinal);

    private static DataTable Records(LabelPresence labels, params Dictionary<string, string?>[] rows) =>
        TableReader.ReadRecords(rows, Schema, "request", labels);

    private static DataTable Records(params Dictionary<string, string?>[] rows) =>
        TableReader.ReadRecords(rows, Schema, "request");

    [Fact]
    public void ReadRecords_SameRowsAsCsv_GivesSameTable()
    {
        var csv = TableReader.Read(
            new StringReader("site,age,work,note,income\nA,25,Private,x,<=50K\nB,?,State-gov,y,>50K\nC,40,Other,z,>50K\nD,1.5e1,?,w,<=50K\n"),
            "t.csv",
            Schema);

        // Null and absent (for a feature) both mean missing, "?" is a missing value as in the file, and values are trimmed.
        var records = Records(
            Row(("site", "A"), ("age", "25"), ("work", "Private"), ("note", "x"), ("income", "<=50K")),
            Row(("income", ">50K"), ("site", "B"), ("age", null), ("work", " State-gov ")),
            Row(("site", "C"), ("age", "40"), ("work", "Other"), ("note", "z"), ("income", ">50K")),
            Row(("site", "D"), ("age", "1.5e1"), ("work", "?"), ("note", null), ("income", "<=50K")));

        Assert.True(records.HasLabels);
        Assert.Equal("request", records.SourceName);
        Assert.Equal(4, records.Rows);
        Assert.Equal(csv.Ids("site"), records.Ids("site"));
        Assert.Equal([25.0, double.NaN, 40.0, 15.0], records.Numeric("age"));
        Assert.Equal(csv.Numeric("age"), records.Numeric("age"));
        Assert.Equal([0, 1, -1, -1], records.Categorical("work"));
        Assert.Equal(csv.Categorical("work"), records.Categorical("work"));
        Assert.Equal([0f, 1f, 1f, 0f], records.Labels);
        Assert.Equal(csv.Labels, records.Labels);
        Assert.Equal(csv.MissingCounts, records.MissingCounts);
        Assert.Equal(csv.UnknownCategoryCounts, records.UnknownCategoryCounts);
        var statistics = FeatureStatistics.Compute(csv);
        Assert.Equal(FeatureEncoder.Encode(csv, Schema, statistics).Features, FeatureEncoder.Encode(records, Schema, statistics).Features);
    }

    [Fact]
    public void ReadRecords_WithoutLabel_HasNaNLabelsAndSameFeatures()
    {
        var labelled = Records(
            Row(("site", "A"), ("age", "25"), ("work", "Private"), ("income", "<=50K")),
            Row(("site", "B"), ("age", "31"), ("work", "State-gov"), ("income", ">50K")));

        var unlabelled = Records(
            Row(("site", "A"), ("age", "25"), ("work", "Private")),
            Row(("site", "B"), ("age", "31"), ("work", "State-gov")));

        Assert.False(unlabelled.HasLabels);
        Assert.All(unlabelled.Labels, label => Assert.True(float.IsNaN(label)));
        Assert.Equal(2, unlabelled.Labels.Length);
        Assert.Equal(labelled.Numeric("age"), unlabelled.Numeric("age"));
        Assert.Equal(labelled.Categorical("work"), unlabelled.Categorical("work"));
        var statistics = FeatureStatistics.Compute(labelled);
        Assert.Equal(FeatureEncoder.Encode(labelled, Schema, statistics).Features, FeatureEncoder.Encode(unlabelled, Schema, statistics).Features);
    }

    [Fact]
    public void ReadRecords_BadNumber_ErrorNamesSourceRowAndColumn()
    {
        var error = Assert.Throws<DataFormatException>(() => Records(
            Row(("site", "A"), ("age", "25"), ("work", "Private")),
            Row(("site", "B"), ("age", "old"), ("work", "Private"))));

        Assert.Equal("request: row 2, column 'age': 'old' is not a finite number.", error.Message);
        Assert.Equal("request", error.SourceName);
        Assert.Equal(2, error.Line);
        Assert.Equal("age", error.Column);
    }

    [Fact]
    public void ReadRecords_UnknownLabel_ErrorNamesRowAndLabelColumn()
    {
        var error = Assert.Throws<DataFormatException>(() => Records(
            Row(("site", "A"), ("age", "25"), ("work", "Private"), ("income", "rich"))));

        Assert.Equal(1, error.Line);
        Assert.Equal("income", error.Column);
        Assert.StartsWith("request: row 1, column 'income': unknown label 'rich'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRecords_UnknownColumn_IsRejected()
    {
        var error = Assert.Throws<DataFormatException>(() => Records(
            Row(("site", "A"), ("age", "25"), ("work", "Private")),
            Row(("site", "B"), ("age", "30"), ("work", "Private")),
            Row(("site", "C"), ("Age", "30"), ("work", "Private"))));

        Assert.Equal("request: row 3, column 'Age': the record names a column the schema does not list.", error.Message);
        Assert.Equal(3, error.Line);
        Assert.Equal("Age", error.Column);
    }

    [Fact]
    public void ReadRecords_AbsentColumnUnderReject_ErrorNamesRowAndColumn()
    {
        // "site" has the schema-wide default policy, reject.
        var error = Assert.Throws<DataFormatException>(() => Records(
            Row(("site", "A"), ("age", "25"), ("work", "Private")),
            Row(("age", "30"), ("work", "Private"))));

        Assert.Equal("request: row 2, column 'site': the value (null or absent) is missing and the column's missing-value policy is reject.", error.Message);
    }

    [Fact]
    public void ReadRecords_AbsentColumnUnderDropRow_DropsTheRow()
    {
        var schema = DataSchema.Parse(
            """
            {"columns": [{"name": "age", "type": "numeric", "missing": "drop-row"},
                         {"name": "income", "type": "label", "regression": true}]}
            """,
            "s.json");

        var table = TableReader.ReadRecords(
            [Row(("age", "1")), Row(), Row(("age", null)), Row(("age", "4"))], schema, "request");

        Assert.Equal([1.0, 4.0], table.Numeric("age"));
        Assert.Equal(2, table.DroppedRows);
        Assert.False(table.HasLabels);
    }

    [Fact]
    public void ReadRecords_LabelInSomeRowsOnly_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Records(
            Row(("site", "A"), ("age", "25"), ("work", "Private")),
            Row(("site", "B"), ("age", "30"), ("work", "Private"), ("income", ">50K"))));

        Assert.Equal(2, error.Line);
        Assert.Equal("income", error.Column);
        Assert.Equal("request: row 2, column 'income': the label is given in this row but not in row 1; give it in every row or in none.", error.Message);
    }

    [Fact]
    public void ReadRecords_RequiredLabelAbsent_Throws()
    {
        var error = Assert.Throws<DataFormatException>(() => Records(
            LabelPresence.Required,
            Row(("site", "A"), ("age", "25"), ("work", "Private"))));

        Assert.Equal("request: row 1, column 'income': the label is required but this record does not give it.", error.Message);
    }

    [Fact]
    public void ReadRecords_NullRecord_ErrorNamesRow()
    {
        var rows = new IReadOnlyDictionary<string, string?>[] { Row(("site", "A"), ("age", "25"), ("work", "Private")), null! };

        var error = Assert.Throws<DataFormatException>(() => TableReader.ReadRecords(rows, Schema, "request"));

        Assert.Equal(2, error.Line);
        Assert.Null(error.Column);
        Assert.StartsWith("request: row 2: the record is null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadRecords_NoRows_IsEmpty()
    {
        var optional = Records();
        var required = Records(LabelPresence.Required);

        Assert.Equal(0, optional.Rows);
        Assert.False(optional.HasLabels);
        Assert.True(required.HasLabels);
    }
}
