using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Tests.Horizontal.Robust;

public sealed class AggregationConfigTests
{
    [Fact]
    public void Parse_AggregationAndAttackSections_ReadsEveryField()
    {
        var config = RunConfig.Parse(
            """
            { "partition": { "parties": 10 },
              "aggregation": { "rule": "multi-krum", "byzantine": 2, "select": 5, "normBound": 5.0 },
              "attack": { "kind": "label-flip", "fraction": 0.3 } }
            """,
            "run.json");

        Assert.Empty(config.Validate(RunSite.SimulationInMemory));
        Assert.Equal(new AggregationOptions { Rule = AggregationRule.MultiKrum, Byzantine = 2, Select = 5, NormBound = 5f }, config.Aggregation);
        Assert.Equal(new AttackOptions { Kind = AttackKind.LabelFlip, Fraction = 0.3 }, config.Attack);
        var aggregator = Assert.IsType<NormBoundAggregator>(config.ToRoundEngineOptions().Strategy.Aggregator);
        var krum = Assert.IsType<KrumAggregator>(aggregator.Inner);
        Assert.Equal((2, 5), (krum.Byzantine, krum.Select));
    }

    [Theory]
    [InlineData("mean", typeof(WeightedMeanAggregator))]
    [InlineData("median", typeof(CoordinateMedianAggregator))]
    [InlineData("trimmed-mean", typeof(TrimmedMeanAggregator))]
    [InlineData("krum", typeof(KrumAggregator))]
    public void ToRoundEngineOptions_Rule_BuildsItsAggregator(string rule, Type expected)
    {
        var config = RunConfig.Parse($$"""{ "strategy": { "name": "fedadam" }, "aggregation": { "rule": "{{rule}}" } }""", "run.json");

        Assert.Empty(config.Validate(RunSite.SimulationInMemory));
        Assert.IsType(expected, config.ToRoundEngineOptions().Strategy.Aggregator);
    }

    [Fact]
    public void ToRoundEngineOptions_NoSection_KeepsStreamingMean()
    {
        var config = RunConfig.Parse("{}", "run.json");

        Assert.Null(config.Aggregation);
        Assert.IsType<WeightedMeanAggregator>(config.ToRoundEngineOptions().Strategy.Aggregator);
        Assert.DoesNotContain("aggregation", config.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "aggregation": { "rule": "krum", "f": 1 } }""", "aggregation.f")]
    [InlineData("""{ "attack": { "kind": "scale", "boost": 1 } }""", "attack.boost")]
    public void Parse_UnknownField_ErrorNamesField(string json, string field)
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfig.Parse(json, "my-run.json"));

        Assert.Equal(field, error.Field);
        Assert.StartsWith("unknown field; the fields here are: ", error.Problem, StringComparison.Ordinal);
        Assert.StartsWith("my-run.json:1: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MisspeltField_SuggestsTheNearestName()
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfig.Parse("""{ "aggregation": { "rul": "krum" } }""", "my-run.json"));

        Assert.Equal("aggregation.rul", error.Field);
        Assert.Equal("unknown field; did you mean 'rule'?", error.Problem);
    }

    [Fact]
    public void Parse_UnknownRule_ListsTheRuleNames()
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfig.Parse("""{ "aggregation": { "rule": "trimmedmean" } }""", "run.json"));

        Assert.Equal("aggregation.rule", error.Field);
        Assert.Equal("expected one of \"mean\", \"median\", \"trimmed-mean\", \"krum\", \"multi-krum\"", error.Problem);
    }

    [Theory]
    [InlineData("""{ "aggregation": { "rule": "krum", "byzantine": 4 } }""", "aggregation.byzantine 4: krum needs more than 2f + 2 = 10 updates per round, but 10 parties are sampled per round")]
    [InlineData("""{ "aggregation": { "rule": "multi-krum", "byzantine": 2, "select": 9 } }""", "aggregation.select (9) exceeds the 10 parties sampled per round minus byzantine (2)")]
    [InlineData("""{ "aggregation": { "rule": "median", "trim": 0.1 } }""", "aggregation.trim is only valid for trimmed-mean, not median")]
    [InlineData("""{ "aggregation": { "rule": "trimmed-mean", "trim": 0.5 } }""", "aggregation.trim must be in [0, 0.5), got 0.5")]
    [InlineData("""{ "aggregation": { "rule": "krum", "select": 3 } }""", "aggregation.select is only valid for multi-krum, not krum")]
    [InlineData("""{ "aggregation": { "rule": "mean", "byzantine": 1 } }""", "aggregation.byzantine is only valid for krum and multi-krum, not mean")]
    [InlineData("""{ "aggregation": { "normBound": 0 } }""", "aggregation.normBound must be a positive number, got 0")]
    [InlineData("""{ "attack": { "kind": "random", "factor": 10 } }""", "attack.factor is only valid for scale, not random")]
    [InlineData("""{ "attack": { "kind": "scale", "fraction": 1.5 } }""", "attack.fraction must be in [0, 1], got 1.5")]
    [InlineData("""{ "attack": { "kind": "random", "sigma": -1 } }""", "attack.sigma must be a positive number, got -1")]
    public void Validate_InvalidValue_ErrorNamesField(string json, string expected)
    {
        var config = RunConfig.Parse(json, "run.json") with { Partition = new PartitionConfig { Parties = 10 } };

        Assert.Contains(expected, config.Validate(RunSite.SimulationInMemory));
    }
}
