using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal.Protection;

namespace Causeway.Federation.Tests.Configuration;

public sealed class ProtectionConfigTests
{
    private static RunConfig Parse(string protection, string extra = "") =>
        RunConfig.Parse($$"""{ "partition": { "parties": 4 }, "protection": {{protection}} {{extra}} }""", "test.json");

    [Fact]
    public void Parse_SecAgg_BuildsProtectionWithThresholdAndQuantisation()
    {
        var config = Parse("""{ "kind": "secagg", "threshold": 3, "clipBound": 0.5, "scale": 1024, "weightCap": 500 }""");

        Assert.Empty(config.Validate(RunSite.SimulationInMemory));
        var protection = Assert.IsType<SecureAggregationProtection>(config.ToRoundEngineOptions().Protection);
        Assert.Equal(3, protection.Threshold);
        Assert.Equal((1024.0, 0.5), (protection.Quantization.Scale, protection.Quantization.ClipBound));
        Assert.Equal(500, protection.WeightCap);
    }

    [Fact]
    public void Parse_Paillier_BuildsProtectionWithKeyHolder()
    {
        var config = Parse("""{ "kind": "paillier", "keyHolder": "party-0002" }""");

        Assert.Empty(config.Validate(RunSite.SimulationInMemory));
        var protection = Assert.IsType<PaillierProtection>(config.ToRoundEngineOptions().Protection);
        Assert.Equal((new PartyId("party-0002"), 2048), (protection.KeyHolder, protection.KeyBits));
    }

    [Fact]
    public void Parse_None_NoProtection()
    {
        Assert.Null(Parse("""{ "kind": "none" }""").ToRoundEngineOptions().Protection);
        Assert.Null(RunConfig.Parse("{}", "test.json").ToRoundEngineOptions().Protection);
    }

    [Fact]
    public void Parse_UnknownKind_ErrorListsTheKinds()
    {
        var e = Assert.Throws<RunConfigException>(() => Parse("""{ "kind": "homomorphic" }"""));

        Assert.Contains("\"none\", \"secagg\", \"paillier\"", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "kind": "none", "weightCap": 100 }""", "", "protection.weightCap is only valid for secagg and paillier")]
    [InlineData("""{ "kind": "secagg", "weightCap": 0.5 }""", "", "protection.weightCap must be a number of examples, at least 1")]
    [InlineData("""{ "kind": "secagg" }""", """, "aggregation": { "rule": "median" }""", "aggregation.rule median needs")]
    [InlineData("""{ "kind": "paillier", "keyHolder": "a" }""", """, "aggregation": { "normBound": 2 }""", "cannot bound their norms")]
    [InlineData("""{ "kind": "secagg", "threshold": 5 }""", "", "protection.threshold (5) exceeds the 4 parties sampled per round")]
    [InlineData("""{ "kind": "secagg", "threshold": 1 }""", "", "protection.threshold must be at least 2")]
    [InlineData("""{ "kind": "secagg", "clipBound": 100, "scale": 16777216 }""", "", "overflow: parties (4)")]
    [InlineData("""{ "kind": "paillier" }""", "", "protection.keyHolder is required for paillier")]
    [InlineData("""{ "kind": "paillier", "keyHolder": "a", "keyBits": 1024 }""", "", "protection.keyBits must be 2048 to 8192")]
    [InlineData("""{ "kind": "secagg", "keyHolder": "a" }""", "", "protection.keyHolder is only valid for paillier, not secagg")]
    [InlineData("""{ "kind": "paillier", "keyHolder": "a", "scale": 10 }""", "", "protection.scale is only valid for secagg, not paillier")]
    [InlineData("""{ "kind": "secagg" }""", """, "sampling": { "fraction": 0.25 }""", "needs at least 2 parties per round")]
    [InlineData("""{ "kind": "secagg" }""", """, "privacy": { "client": { "noiseMultiplier": 1.0, "clipNorm": 0.5 } }""", "privacy.client (DP-FedAvg) with protection needs \"noise\": \"parties\"")]
    [InlineData("""{ "kind": "secagg", "weightCap": 100 }""", """, "privacy": { "client": { "noiseMultiplier": 1.0, "clipNorm": 0.5, "noise": "parties" } }""", "and no protection.weightCap")]
    public void Validate_ImpossibleProtection_ErrorNamesTheField(string protection, string extra, string expected)
    {
        var errors = Parse(protection, extra).Validate(RunSite.SimulationInMemory);

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }
}
