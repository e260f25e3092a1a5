using Causeway.Core.Data;

namespace Causeway.Core.Tests.Data;

/// <summary>Schema inference on real files the project ships no schema for, and on small files that pin each rule.</summary>
public sealed class SchemaInferenceTests
{
    private static InferredSchema InferText(string text, SchemaInferenceOptions? options = null) =>
        SchemaInference.Infer(() => new StringReader(text), "test.csv", options ?? new SchemaInferenceOptions());

    [Fact]
    public void Infer_Wdbc_HeaderlessIdLabelAndThirtyNumericColumns_ReadsBackEveryRow()
    {
        var path = SampleFiles.Path("data", "breast-cancer-wisconsin", "wdbc.data");

        var inferred = SchemaInference.Infer(path, new SchemaInferenceOptions { Label = "column2" });

        Assert.False(inferred.Schema.Format.Header);
        Assert.Equal(",", inferred.Schema.Format.Delimiter);
        Assert.Equal(569, inferred.Rows);
        Assert.Equal(ColumnType.Id, inferred.Columns[0].Type);
        Assert.Contains("distinct integers", inferred.Columns[0].Reason, StringComparison.Ordinal);
        Assert.Equal(30, inferred.Columns.Count(c => c.Type == ColumnType.Numeric));
        Assert.Equal(["B"], inferred.Schema.Label.Classes[0]);
        Assert.Equal(["M"], inferred.Schema.Label.Classes[1]);

        var table = TableReader.Read(path, inferred.Schema);
        Assert.Equal(569, table.Rows);
        Assert.Equal(212, table.Labels.Count(l => l == 1f));
        Assert.Equal(30, table.Schema.Columns.Count(c => c.Type == ColumnType.Numeric));
    }

    [Fact]
    public void Infer_TelcoChurn_HeaderCategoriesBlankTotalsAndYesAsPositive()
    {
        var path = SampleFiles.Path("data", "telco-customer-churn", "Telco-Customer-Churn.csv");

        var inferred = SchemaInference.Infer(path, new SchemaInferenceOptions());

        Assert.True(inferred.Schema.Format.Header);
        Assert.Equal(7_043, inferred.Rows);
        Assert.Equal(ColumnType.Id, inferred.Schema.Find("customerID")!.Type);
        Assert.Equal(["Month-to-month", "One year", "Two year"], inferred.Schema.Find("Contract")!.Categories);
        Assert.Equal(ColumnType.Numeric, inferred.Schema.Find("TotalCharges")!.Type);
        Assert.Equal("Churn", inferred.Schema.Label.Name);
        Assert.Equal(["Yes"], inferred.Schema.Label.Classes[1]);
        Assert.Equal(MissingPolicy.ImputeMean, inferred.Schema.Missing);
        Assert.Contains(inferred.Notes, n => n.Contains("'Churn' (the last column)", StringComparison.Ordinal));

        var table = TableReader.Read(path, inferred.Schema);
        Assert.Equal(7_043, table.Rows);
        Assert.Equal(1_869, table.Labels.Count(l => l == 1f));
        Assert.Equal(new Dictionary<string, int> { ["TotalCharges"] = 11 }, table.MissingCounts);
        Assert.Empty(table.UnknownCategoryCounts);
    }

    [Fact]
    public void Infer_SemicolonsQuotesAndFewDistinctWords_CategoricalTextAndRegression()
    {
        var lines = new List<string> { "city;note;price" };
        for (var i = 0; i < 60; i++)
        {
            lines.Add($"\"{(i % 3 == 0 ? "Lyon; Rhône" : "Paris")}\";\"a quite long note number {i}\";{i * 1.5}");
        }

        var inferred = InferText(string.Join('\n', lines));

        Assert.Equal(";", inferred.Schema.Format.Delimiter);
        Assert.Equal(["Lyon; Rhône", "Paris"], inferred.Schema.Find("city")!.Categories);
        Assert.Equal(ColumnType.Text, inferred.Schema.Find("note")!.Type);
        Assert.True(inferred.Schema.Label.Regression);
        Assert.Equal("price", inferred.Schema.Label.Name);
    }

    [Theory]
    [InlineData("0", "1", "1")]
    [InlineData("no", "yes", "yes")]
    [InlineData("False", "True", "True")]
    public void Infer_BinaryLabelWithAMeaning_PositiveIsTheAffirmative(string negative, string positive, string expected)
    {
        // The affirmative value is the commoner one here, so the rarer-value rule would pick the other.
        var rows = Enumerable.Range(0, 30).Select(i => $"{i % 7},{(i % 3 == 0 ? negative : positive)}");

        var inferred = InferText("x,label\n" + string.Join('\n', rows));

        Assert.Equal([expected], inferred.Schema.Label.Classes[1]);
    }

    [Fact]
    public void Infer_LabelWithMissingValues_DropsThoseRowsAndSaysSo()
    {
        var inferred = InferText("a,y\n1,x\n2,\n3,z\n4,x\n");

        Assert.Equal(MissingPolicy.DropRow, inferred.Schema.Label.Missing);
        Assert.Contains(inferred.Notes, n => n.Contains("missing in 1 rows", StringComparison.Ordinal));
    }

    [Fact]
    public void Infer_UnknownLabelOrId_ErrorNamesTheOptionAndTheColumns()
    {
        var label = Assert.Throws<DataFormatException>(() => InferText("a,b\n1,2\n", new SchemaInferenceOptions { Label = "target" }));
        var id = Assert.Throws<DataFormatException>(() => InferText("a,b\n1,2\n", new SchemaInferenceOptions { Ids = ["key"] }));

        Assert.Contains("--label names 'target'", label.Message, StringComparison.Ordinal);
        Assert.Contains("its columns: a, b", label.Message, StringComparison.Ordinal);
        Assert.Contains("--id names 'key'", id.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_RaggedRow_ErrorNamesTheLine()
    {
        var error = Assert.Throws<DataFormatException>(() => InferText("a,b,c\n1,2,3\n4,5\n" + string.Concat(Enumerable.Repeat("6,7,8\n", 10))));

        Assert.Contains("test.csv:3", error.Message, StringComparison.Ordinal);
        Assert.Contains("has 2 fields, the first line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Merge_TwoPartiesDrafts_UnionsCategoriesAndLabelValues()
    {
        var first = InferText("colour,size,y\nred,1,a\nblue,2,b\nred,3,a\n").Json;
        var second = InferText("colour,size,y\ngreen,4,a\nred,5,b\ngreen,6,b\n").Json;

        var merged = DataSchema.Parse(SchemaInference.Merge([(first, "one.json"), (second, "two.json")]), "merged");

        Assert.Equal(["blue", "green", "red"], merged.Find("colour")!.Categories);
        Assert.Equal(ColumnType.Numeric, merged.Find("size")!.Type);
        Assert.Equal(["a"], merged.Label.Classes[0]);
        Assert.Equal(["b"], merged.Label.Classes[1]);
    }

    [Fact]
    public void Merge_ColumnsThatDisagree_ErrorNamesTheColumnAndTheSource()
    {
        var first = InferText("a,y\n1,p\n2,q\n").Json;
        var second = InferText("b,y\n1,p\n2,q\n").Json;

        var error = Assert.Throws<DataFormatException>(() => SchemaInference.Merge([(first, "one.json"), (second, "two.json")]));

        Assert.Contains("two.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("named 'b' where the first schema has 'a'", error.Message, StringComparison.Ordinal);
    }
}
