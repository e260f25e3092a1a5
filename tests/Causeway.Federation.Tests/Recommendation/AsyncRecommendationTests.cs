using Causeway.Federation.Horizontal.Buffered;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Simulation;

namespace Causeway.Federation.Tests.Recommendation;

/// <summary>The recommendation simulator on the asynchronous engine: item updates, sparse rows, buffered steps.</summary>
public sealed class AsyncRecommendationTests
{
    private const ulong Seed = 77;

    [Theory]
    [InlineData(ItemAggregation.Mean, 10f)]
    [InlineData(ItemAggregation.GradientSum, 0.01f)]
    public async Task PerUserParties_BufferedUpdates_LowerTheTestRmseAndRecordVersions(ItemAggregation mode, float eta)
    {
        var split = FederatedRecommendationTests.Split();
        var spec = FederatedRecommendationTests.Spec(split, RecommenderKind.MatrixFactorization);
        var partition = RatingsPartition.PerUser(split.Train);
        var buffer = partition.Count / 4;
        var simulator = new RecommendationSimulator(new RecommendationRunOptions
        {
            Spec = spec,
            Plan = new RecommendationPlan { Epochs = 1, UserEpochs = 1, LearningRate = 0.01f },
            Aggregation = mode,
            ServerLearningRate = eta,
            Rounds = 60,
            Seed = Seed,
            Buffered = new BufferedUpdates { BufferSize = buffer, Concurrency = 2 * buffer },
        });
        var parties = simulator.CreateParties(split, partition);
        var ranking = new RankingOptions { FullCatalogue = false };
        var before = simulator.Evaluate(parties, spec.Initialize(Seed), ranking, CancellationToken.None).Ratings.Rmse;

        var result = await simulator.RunAsync(parties, null, CancellationToken.None);
        var after = simulator.Evaluate(parties, result.Global, ranking, CancellationToken.None).Ratings.Rmse;

        Assert.Null(result.Failure);
        Assert.Equal(60, result.Rounds.Count);
        Assert.All(result.Rounds, r => Assert.Equal((true, buffer), (r.Succeeded, r.Participants)));
        Assert.All(result.Rounds.SelectMany(r => r.Versions.Select(v => (r.Round, v))), x =>
        {
            Assert.Equal(x.Round - 1, x.v.AppliedTo);
            Assert.InRange(x.v.Staleness, 0, int.MaxValue);

            // Within the default bound of 10 versions the weight is (1 + τ)^-0.5; beyond it the update was refused.
            Assert.Equal(x.v.Staleness <= 10 ? Math.Pow(1 + x.v.Staleness, -0.5) : 0, x.v.Weight, 1e-12);
        });
        Assert.True(after < before - 0.05, $"RMSE {before:F4} → {after:F4}");
    }
}
