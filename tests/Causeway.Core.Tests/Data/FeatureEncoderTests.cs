using Causeway.Core.Data;
using Causeway.Core.Models;

namespace Causeway.Core.Tests.Data;

public sealed class FeatureEncoderTests
{
    private static readonly DataSchema Schema = DataSchema.Parse(
        """
        {"format": {"missingValues": ["?"]},
         "columns": [{"name": "site", "type": "id"},
                     {"name": "a", "type": "numeric"},
                     {"name": "c", "type": "categorical", "categories": ["x", "y", "z"]},
                     {"name": "skip", "type": "ignore"},
                     {"name": "label", "type": "label", "classes": {"0": ["p"], "1": ["q"], "2": ["r"]}}],
         "missing": "impute-mean"}
        """,
        "s.json");

    [Fact]
    public void Encode_TinyTable_StandardisesAndOneHots()
    {
        var table = TableReader.Read(new StringReader("site,a,c,skip,label\nA,1,x,-,r\nB,3,z,-,p\nC,?,?,-,q\nD,2,w,-,q\n"), "t.csv", Schema);
        var statistics = FeatureStatistics.Compute(table);

        var data = FeatureEncoder.Encode(table, Schema, statistics);

        // a: mean 2, population std sqrt(((1-2)^2 + (3-2)^2 + 0) / 3) = sqrt(2/3).
        var s = (float)(1.0 / Math.Sqrt(2.0 / 3.0));
        Assert.Equal(["a", "c=x", "c=y", "c=z"], data.FeatureNames);
        Assert.Equal(4, data.Columns);
        Assert.Equal(
            [
                -s, 1f, 0f, 0f,
                s, 0f, 0f, 1f,
                0f, 0f, 0f, 0f,
                0f, 0f, 0f, 0f,
            ],
            data.Features);
        Assert.Equal([2f, 0f, 1f, 1f], data.Labels);
    }

    [Fact]
    public void Encode_StatisticsOfAnotherSchema_Throws()
    {
        var other = DataSchema.Parse("""{"columns": [{"name": "b", "type": "numeric"}, {"name": "t", "type": "label", "regression": true}]}""", "o.json");
        var otherTable = TableReader.Read(new StringReader("b,t\n1,2\n"), "o.csv", other);
        var table = TableReader.Read(new StringReader("site,a,c,skip,label\nA,1,x,-,r\n"), "t.csv", Schema);

        var error = Assert.Throws<ArgumentException>(() => FeatureEncoder.Encode(table, Schema, FeatureStatistics.Compute(otherTable)));
        Assert.StartsWith("The statistics do not describe the columns of schema 's.json': numeric columns [b], expected [a].", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FeatureEncoder.Encode(otherTable, Schema, FeatureStatistics.Compute(table)));
    }

    [Fact]
    public void Counts_Schema_GiveModelShape()
    {
        Assert.Equal(4, FeatureEncoder.FeatureCount(Schema));
        Assert.Equal(3, FeatureEncoder.ClassCount(Schema));
        Assert.Equal(LearningTask.MulticlassClassification, FeatureEncoder.TaskOf(Schema));
        Assert.Equal(3, FeatureEncoder.OutputCount(Schema));
    }

    [Theory]
    [InlineData("""{"classes": {"0": ["n"], "1": ["y"]}}""", LearningTask.BinaryClassification, 2, 1)]
    [InlineData("""{"regression": true}""", LearningTask.Regression, 0, 1)]
    public void TaskOf_Label_FollowsClassCount(string label, LearningTask task, int classes, int outputs)
    {
        var schema = DataSchema.Parse(
            $$"""{"columns": [{"name": "a", "type": "numeric"}, {"name": "y", "type": "label", {{label[1..^1]}}}]}""", "s.json");

        Assert.Equal(task, FeatureEncoder.TaskOf(schema));
        Assert.Equal(classes, FeatureEncoder.ClassCount(schema));
        Assert.Equal(outputs, FeatureEncoder.OutputCount(schema));
    }
}
