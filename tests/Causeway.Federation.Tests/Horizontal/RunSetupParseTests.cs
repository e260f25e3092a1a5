using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Serialization;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Horizontal;

// Regressions found by fuzz/ (targets run-setup and data-description): a JSON object with a repeated property made
// System.Text.Json's JsonObject throw ArgumentException ("An item with the same key has already been added") out of
// RunSetup.Parse and RunSetup.Agree, whose contracts are InvalidDataException and InvalidOperationException.
public sealed class RunSetupParseTests
{
    private const string Schema =
        """{"columns":[{"name":"x","type":"numeric"},{"name":"y","type":"label","classes":{"0":["0"],"1":["1"]}}]}""";

    private static readonly FeatureStatistics Statistics = new()
    {
        Rows = 2,
        NumericColumns = ["x"],
        Counts = [2],
        Sums = [ExactSum.Of([1.0, 2.0])],
        SumsOfSquares = [ExactSum.Of([1.0, 4.0])],
        CategoricalColumns = [],
        CategoryCounts = [],
    };

    private static string SetupJson() =>
        new RunSetup(new ModelSpec(LearningTask.BinaryClassification, 1, 1, [], 0f), Schema, Statistics).ToJson();

    [Fact]
    public void Parse_WrittenSetup_RoundTrips()
    {
        var setup = RunSetup.Parse(SetupJson(), "run 'r''s stored setup");

        Assert.Equal(1, setup.Model.Inputs);
        Assert.True(RunSetup.SameSchema(Schema, setup.SchemaJson));
        Assert.Equal(Statistics, setup.Statistics);
    }

    [Fact]
    public void Parse_RepeatedTopLevelProperty_ThrowsInvalidData()
    {
        var json = SetupJson()[..^1] + ",\"statistics\":{}}";

        var error = Assert.Throws<InvalidDataException>(() => RunSetup.Parse(json, "run 'r''s stored setup"));

        Assert.StartsWith("run 'r''s stored setup: not a valid run setup:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SameSchema_RepeatedProperty_IsNotTheSameSchema()
    {
        var repeated = Schema.Replace("\"type\":\"numeric\"", "\"type\":\"numeric\",\"type\":\"numeric\"", StringComparison.Ordinal);

        Assert.False(RunSetup.SameSchema(repeated, Schema));
        Assert.False(RunSetup.SameSchema(repeated, repeated));
    }

    [Fact]
    public void Agree_SchemaWithRepeatedProperty_ThrowsInvalidOperationNamingTheField()
    {
        var repeated = Schema.Replace("\"type\":\"numeric\"", "\"type\":\"numeric\",\"type\":\"numeric\"", StringComparison.Ordinal);
        var description = new DataDescription(repeated, Statistics);

        var error = Assert.Throws<InvalidOperationException>(
            () => RunSetup.Agree([(new PartyId("p1"), description)], _ => new ModelSpec(LearningTask.BinaryClassification, 1, 1, [], 0f)));

        Assert.Contains("party 'p1''s schema", error.Message, StringComparison.Ordinal);
        Assert.Contains("type", error.Message, StringComparison.Ordinal);
    }
}
