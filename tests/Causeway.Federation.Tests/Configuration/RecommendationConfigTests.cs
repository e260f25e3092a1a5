using Causeway.Federation.Configuration;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Network;

namespace Causeway.Federation.Tests.Configuration;

public sealed class RecommendationConfigTests
{
    [Fact]
    public void Validate_NetworkRecommendationRun_IsValidAndBuildsItsPlanAndStrategy()
    {
        var config = RunConfig.Parse(
            """{ "rounds": 5, "strategy": { "serverLearningRate": 0.005 }, "recommendation": { "model": "bpr", "factors": 16, "aggregation": "gradientsum", "dense": true } }""",
            "run.json");

        Assert.Empty(config.Validate(RunSite.Network));
        var plan = config.Recommendation!.ToPlan();
        Assert.Equal((ItemUpdate.Gradient, ItemUpdateForm.Dense, 1, 1), (plan.Update, plan.Form, plan.Epochs, plan.UserEpochs));
        Assert.Equal((RecommenderKind.Bpr, 16), (config.Recommendation.ToSpec().Kind, config.Recommendation.ToSpec().Factors));
        Assert.IsType<ItemAggregator>(config.ToRecommendationStrategy().Aggregator);
    }

    [Theory]
    [InlineData("""{ "recommendation": { "factors": 0, "epochs": 0, "aggregation": "mean" } }""", "recommendation.factors must be at least 1, got 0")]
    [InlineData("""{ "recommendation": { "aggregation": "mean", "learningRate": -1 } }""", "recommendation.learningRate must be a positive number, got -1")]
    [InlineData("""{ "recommendation": {} }""", "strategy.serverLearningRate is required with recommendation.aggregation gradientsum")]
    [InlineData("""{ "model": { "type": "mlp" }, "recommendation": { "aggregation": "mean" } }""", "model is for horizontal runs")]
    [InlineData("""{ "data": { "schema": "s.json" }, "recommendation": { "aggregation": "mean" } }""", "data is for horizontal runs")]
    [InlineData("""{ "strategy": { "name": "fedprox", "mu": 0.1 }, "recommendation": { "aggregation": "mean" } }""", "strategy.name fedprox is not a server optimizer for item models")]
    [InlineData("""{ "protection": { "kind": "secagg" }, "recommendation": { "aggregation": "weightedmean" } }""", "recommendation.aggregation weightedmean under protection needs protection.weightCap")]
    [InlineData("""{ "protection": { "kind": "secagg", "weightCap": 100 }, "recommendation": { "aggregation": "mean" } }""", "protection.weightCap goes with recommendation.aggregation weightedmean")]
    [InlineData("""{ "privacy": { "sample": { "noiseMultiplier": 1, "clipNorm": 1 } }, "recommendation": { "aggregation": "mean" } }""", "a recommendation run's differential privacy is user-level")]
    public void Validate_BadRecommendationRun_NamesTheField(string json, string expected)
    {
        var config = RunConfig.Parse(json, "run.json");

        Assert.Contains(config.Validate(RunSite.Network), e => e.StartsWith(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "protection": { "kind": "secagg" }, "strategy": { "serverLearningRate": 0.01 }, "recommendation": {} }""", ItemUpdateForm.Dense, typeof(ItemAggregator))]
    [InlineData("""{ "protection": { "kind": "secagg" }, "recommendation": { "aggregation": "mean" } }""", ItemUpdateForm.Counted, typeof(ItemAggregator))]
    [InlineData("""{ "protection": { "kind": "paillier", "keyHolder": "a", "weightCap": 50 }, "recommendation": { "aggregation": "weightedmean" } }""", ItemUpdateForm.Counted, typeof(ItemAggregator))]
    [InlineData("""{ "privacy": { "client": { "noiseMultiplier": 1, "clipNorm": 1 } }, "recommendation": { "aggregation": "mean" } }""", ItemUpdateForm.Dense, typeof(Federation.Horizontal.WeightedMeanAggregator))]
    [InlineData("""{ "recommendation": { "aggregation": "mean" } }""", ItemUpdateForm.Sparse, typeof(ItemAggregator))]
    public void ProtectedOrPrivateRun_PartiesSendTheFormItNeeds(string json, ItemUpdateForm form, Type aggregator)
    {
        var config = RunConfig.Parse(json, "run.json");

        Assert.Empty(config.Validate(RunSite.Network));
        Assert.Equal(form, config.ToRecommendationPlan().Form);
        Assert.IsType(aggregator, config.ToRecommendationStrategy().Aggregator);
    }

    [Fact]
    public void Validate_RecommendationInSimulation_PointsToTheBench()
    {
        var config = RunConfig.Parse("""{ "recommendation": { "aggregation": "mean" } }""", "run.json");

        Assert.Contains(config.Validate(RunSite.SimulationInMemory), e => e.Contains("./causeway bench recsys", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownAggregation_ListsTheNames()
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfig.Parse("""{ "recommendation": { "aggregation": "median" } }""", "run.json"));

        Assert.Contains("\"mean\", \"weightedmean\", \"gradientsum\"", error.Message, StringComparison.Ordinal);
    }
}
