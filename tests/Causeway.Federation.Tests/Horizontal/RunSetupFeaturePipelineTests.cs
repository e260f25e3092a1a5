using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

public sealed class RunSetupFeaturePipelineTests
{
    private const string SchemaJson = """
        // A comment, as the sample schemas have: DataSchema reads it, and so must the run setup.
        {"format": {"delimiter": "\t", "quoted": false},
         "columns": [{"name": "stars", "type": "numeric", "range": [0, 5], "bins": {"count": 3, "method": "quantile", "resolution": 50}},
                     {"name": "review", "type": "text", "features": 32},
                     {"name": "label", "type": "label", "classes": {"0": ["0"], "1": ["1"]}}]}
        """;

    [Fact]
    public void Agree_TextAndQuantileStatistics_MergeAndSurviveTheWireJson()
    {
        var schema = DataSchema.Parse(SchemaJson, "s.json");
        var a = Read(schema, "5\tgreat phone\t1\n1\tbroken on arrival\t0\n");
        var b = Read(schema, "4\tgreat film\t1\n2\tdull film\t0\n3\tfine\t1\n");

        var setup = RunSetup.Agree(
            [(new PartyId("a"), DataDescription.Of(SchemaJson, a)), (new PartyId("b"), DataDescription.Of(SchemaJson, b))],
            s => new ModelSpec(FeatureEncoder.TaskOf(s), FeatureEncoder.FeatureCount(s), FeatureEncoder.OutputCount(s)));
        var back = RunSetup.Parse(setup.ToJson(), "wire");

        var pooled = FeatureStatistics.Compute(Read(schema, "5\tgreat phone\t1\n1\tbroken on arrival\t0\n4\tgreat film\t1\n2\tdull film\t0\n3\tfine\t1\n"));
        Assert.Equal(pooled, setup.Statistics);
        Assert.Equal(pooled, back.Statistics);
        Assert.True(RunSetup.SameSchema(back.SchemaJson, SchemaJson));
        Assert.Equal(35, setup.Model.Inputs);
        Assert.Equal(FeatureEncoder.Encode(a, schema, pooled).Features, FeatureEncoder.Encode(a, schema, back.Statistics).Features);
    }

    private static DataTable Read(DataSchema schema, string rows) =>
        TableReader.Read(new StringReader("stars\treview\tlabel\n" + rows), "p.tsv", schema);
}
