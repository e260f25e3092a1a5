using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data;

public sealed class TableReaderUnlabeledTests
{
    private static readonly DataSchema Schema = DataSchema.Parse(
        """
        {"format": {"missingValues": ["?"]},
         "columns": [{"name": "site", "type": "id"},
                     {"name": "age", "type": "numeric"},
                     {"name": "work", "type": "categorical", "categories": ["Private", "State-gov"]},
                     {"name": "note", "type": "ignore"},
                     {"name": "income", "type": "label", "classes": {"0": ["<=50K"], "1": [">50K"]}}],
         "missing": "impute-mean"}
        """,
        "s.json");

    private const string Labelled = "site,age,work,note,income\nA,25,Private,x,<=50K\nB,?,State-gov,y,>50K\nC,40,Other,z,>50K\n";

    // The same rows with the label column left out and the columns in another order.
    private const string Unlabelled = "work,site,note,age\nPrivate,A,x,25\nState-gov,B,y,?\nOther,C,z,40\n";

    private static DataTable Read(string text, LabelPresence labels, DataSchema? schema = null) =>
        TableReader.Read(new StringReader(text), "t.csv", schema ?? Schema, labels);

    [Fact]
    public void Read_OptionalLabelAbsentFromHeader_EncodesSameFeaturesAsLabelledFile()
    {
        var labelled = Read(Labelled, LabelPresence.Required);
        var statistics = FeatureStatistics.Compute(labelled);

        var unlabelled = Read(Unlabelled, LabelPresence.Optional);
        var encoded = FeatureEncoder.Encode(unlabelled, Schema, statistics);

        var expected = FeatureEncoder.Encode(labelled, Schema, statistics);
        Assert.False(unlabelled.HasLabels);
        Assert.Equal(3, unlabelled.Rows);
        Assert.All(unlabelled.Labels, label => Assert.True(float.IsNaN(label)));
        Assert.Equal(["A", "B", "C"], unlabelled.Ids("site"));
        Assert.Equal(labelled.Numeric("age"), unlabelled.Numeric("age"));
        Assert.Equal([0, 1, -1], unlabelled.Categorical("work"));
        Assert.Equal(expected.FeatureNames, encoded.FeatureNames);
        Assert.Equal(expected.Features, encoded.Features);
        Assert.Equal(3, encoded.Rows);
        Assert.All(encoded.Labels, label => Assert.True(float.IsNaN(label)));
        Assert.Equal(labelled.MissingCounts, unlabelled.MissingCounts);
        Assert.Equal(labelled.UnknownCategoryCounts, unlabelled.UnknownCategoryCounts);
    }

    [Fact]
    public void Read_OptionalLabelPresent_ReadsLabelsAsRequiredDoes()
    {
        var required = Read(Labelled, LabelPresence.Required);

        var optional = Read(Labelled, LabelPresence.Optional);

        Assert.True(required.HasLabels);
        Assert.True(optional.HasLabels);
        Assert.Equal([0f, 1f, 1f], optional.Labels);
        Assert.Equal(required.Labels, optional.Labels);
        Assert.Equal(required.Numeric("age"), optional.Numeric("age"));
    }

    [Fact]
    public void Read_DefaultOverloadLabelAbsent_ThrowsNamingLabel()
    {
        var error = Assert.Throws<DataFormatException>(() => TableReader.Read(new StringReader(Unlabelled), "t.csv", Schema));

        Assert.Equal("income", error.Column);
        Assert.Equal(1, error.Line);
        Assert.Equal("t.csv:1, column 'income': the schema lists this column but the header does not name it.", error.Message);
    }

    [Fact]
    public void Read_OptionalFeatureAbsentFromHeader_StillThrows()
    {
        var error = Assert.Throws<DataFormatException>(() => Read("site,work,note,income\nA,Private,x,>50K\n", LabelPresence.Optional));

        Assert.Equal("age", error.Column);
    }

    [Fact]
    public void Read_OptionalWithoutHeader_NeedsTheLabelField()
    {
        var schema = DataSchema.Parse(
            """
            {"format": {"header": false},
             "columns": [{"name": "age", "type": "numeric"},
                         {"name": "income", "type": "label", "classes": {"0": ["<=50K"], "1": [">50K"]}}]}
            """,
            "s.json");

        var error = Assert.Throws<DataFormatException>(() => Read("25\n", LabelPresence.Optional, schema));
        var table = Read("25,>50K\n", LabelPresence.Optional, schema);

        Assert.Equal("t.csv:1: expected 2 fields separated by ',', found 1.", error.Message);
        Assert.True(table.HasLabels);
        Assert.Equal([1f], table.Labels);
    }

    [Fact]
    public void Read_OptionalEmptyInput_HasNoLabels()
    {
        var optional = Read(string.Empty, LabelPresence.Optional);
        var required = Read(string.Empty, LabelPresence.Required);

        Assert.Equal(0, optional.Rows);
        Assert.False(optional.HasLabels);
        Assert.True(required.HasLabels);
    }

    [Fact]
    public void Read_PathWithoutLabel_ReadsFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"causeway-unlabelled-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, Unlabelled);
        try
        {
            var table = TableReader.Read(path, Schema, LabelPresence.Optional);

            Assert.False(table.HasLabels);
            Assert.Equal(path, table.SourceName);
            Assert.Equal(["A", "B", "C"], table.Ids("site"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Select_UnlabelledTable_StaysUnlabelled()
    {
        var table = Read(Unlabelled, LabelPresence.Optional);

        var selected = table.Select([2, 0]);

        Assert.False(selected.HasLabels);
        Assert.Equal(["C", "A"], selected.Ids("site"));
        Assert.Equal(2, selected.Labels.Length);
        Assert.All(selected.Labels, label => Assert.True(float.IsNaN(label)));
    }

    [Fact]
    public void Read_UndefinedPresence_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Read(Labelled, (LabelPresence)7));

        Assert.Equal("labels", error.ParamName);
    }
}
