using Causeway.Federation.Vertical.Training;

namespace Causeway.Federation.Tests.Vertical.Training;

public sealed class VerticalSimulationConfigTests
{
    [Fact]
    public void Run_ColumnWithoutParty_NamesTheColumn()
    {
        var config = VerticalSamples.Load("churn-vertical.json");
        var columns = config.Columns.Where(pair => pair.Key != "tenure").ToDictionary();

        var error = Assert.Throws<VerticalConfigException>(() => VerticalSimulation.Run(config with { Columns = columns }));

        Assert.Contains("'tenure'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ColumnOfAnUnknownParty_NamesColumnAndParty()
    {
        var config = VerticalSamples.Load("churn-vertical.json");
        var columns = config.Columns.ToDictionary();
        columns["tenure"] = "bank";

        var error = Assert.Throws<VerticalConfigException>(() => (config with { Columns = columns }).Validate("test.json"));

        Assert.Contains("columns.tenure names party 'bank'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "parties": ["a", "b"], "epochz": 3 }""", "epochz")]
    [InlineData("""{ "parties": ["a", "b"], "encryption": null }""", "encryption")]
    public void Load_BadField_NamesTheFileAndField(string json, string field)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vertical-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            var error = Assert.Throws<VerticalConfigException>(() => VerticalSimulationConfig.Load(path));
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains(field, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
