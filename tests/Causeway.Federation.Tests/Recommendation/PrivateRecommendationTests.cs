using System.Collections.Concurrent;
using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Simulation;
using Causeway.Privacy.Accounting;
using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Tests.Recommendation;

/// <summary>
/// The privacy modes of federated recommendation, asserted on what the coordinator receives: masked vectors under
/// secure aggregation, ciphertexts under Paillier, and the same model as the plain run up to fixed-point rounding.
/// </summary>
public sealed class PrivateRecommendationTests
{
    private const ulong Seed = 77;

    [Theory]
    [InlineData(ItemAggregation.Mean, 10f)]
    [InlineData(ItemAggregation.WeightedMean, 10f)]
    [InlineData(ItemAggregation.GradientSum, 0.01f)]
    public async Task SecureAggregation_EveryMode_EndsWithinFixedPointErrorOfThePlainSparseRun(ItemAggregation mode, float eta)
    {
        var split = Split();
        var partition = RatingsPartition.PerUser(split.Train);
        var plain = Options(split, mode, eta);
        var weightCap = mode == ItemAggregation.WeightedMean ? MaxTrainCount(split, partition) : (double?)null;

        // 2^20 units per 1.0: 60 parties × clip × 2^20 stays below 2^31 for clips up to 34.
        var clip = mode == ItemAggregation.GradientSum ? 8 : 1;
        var secagg = plain with { Protection = new SecureAggregationProtection(null, new FixedPointQuantization(1 << 20, clip), weightCap) };

        var (plainModel, plainRmse) = await TrainAsync(plain, split, partition);
        var (secaggModel, secaggRmse) = await TrainAsync(secagg, split, partition);

        Assert.Equal(plainModel.Length, secaggModel.Length);
        var worst = plainModel.Zip(secaggModel, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-3, $"largest difference {worst}");
        Assert.Equal(plainRmse, secaggRmse, 1e-4);
    }

    [Fact]
    public async Task SecureAggregation_TheCoordinatorReceivesOnlyMaskedVectors_ThatShowNoRatedItemPattern()
    {
        var split = Split();
        var partition = RatingsPartition.PerUser(split.Train);
        var scale = 1 << 20;
        var options = Options(split, ItemAggregation.Mean, 10f) with
        {
            Rounds = 1,
            Protection = new SecureAggregationProtection(null, new FixedPointQuantization(scale, 1)),
        };
        var simulator = new RecommendationSimulator(options);
        var parties = simulator.CreateParties(split, partition);
        var recording = new RecordingChannel(new RecommendationChannel(parties));

        var result = await RunThroughAsync(options, parties, recording);

        Assert.True(result.Rounds.Single().Succeeded);
        Assert.Empty(recording.Plain);
        Assert.Equal(parties.Count, recording.Protected.Count);
        var length = ItemModel.CountedLayout(options.Spec.Items, options.Spec.Factors).TotalLength;
        var countsStart = length - options.Spec.Items;
        foreach (var (party, payload) in recording.Protected)
        {
            var masked = Assert.IsType<SecureAggregationMasked>(payload).Input.Values;
            Assert.Equal(length, masked.Length);

            // In the clear most of this vector is exactly 0 (the items the user did not rate) and every count is 0 or
            // 2^20. Masked, a value is 0 with probability 2^-32 and the counts are uniform in the ring.
            var rated = parties.Single(p => p.Party == party).Data.TrainItems.Distinct().Count();
            Assert.True(rated < options.Spec.Items / 2, "the test needs users who rated a minority of the items");
            Assert.True(masked.Count(v => v == 0) <= 1, $"{party}: {masked.Count(v => v == 0)} zeros");
            Assert.True(masked.AsSpan(countsStart).ToArray().Count(v => v is 0 or (uint)(1 << 20)) <= 1, $"{party}: counts in the clear");
        }
    }

    [Fact]
    public async Task Paillier_TheCoordinatorReceivesOnlyCiphertexts_AndTheModelEqualsThePlainOne()
    {
        var split = Split();
        var partition = RatingsPartition.Silos(split.Train, 3, Seed);
        var plain = Options(split, ItemAggregation.Mean, 1f) with { Rounds = 2 };
        var paillier = plain with { Protection = new PaillierProtection(partition[0].Party, 2048) };
        var simulator = new RecommendationSimulator(paillier);
        var parties = simulator.CreateParties(split, partition);
        var recording = new RecordingChannel(new RecommendationChannel(parties));

        var result = await RunThroughAsync(paillier, parties, recording);
        var (plainModel, _) = await TrainAsync(plain, split, partition);

        Assert.All(result.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        Assert.Empty(recording.Plain);
        Assert.Equal(2 * parties.Count, recording.Protected.Count);
        var length = ItemModel.CountedLayout(paillier.Spec.Items, paillier.Spec.Factors).TotalLength;
        foreach (var (_, payload) in recording.Protected)
        {
            // 31 fixed-point values per 2048-bit ciphertext, each an element of Z_{n²} (512 bytes).
            var encrypted = Assert.IsType<PaillierCiphertexts>(payload);
            Assert.False(encrypted.Decrypt);
            Assert.Equal(length, encrypted.Length);
            Assert.Equal((length + 30) / 31, encrypted.Ciphertexts.Count);
            Assert.All(encrypted.Ciphertexts, c => Assert.Equal(512, c.Length));
        }

        // 2^-32 resolution: the decrypted means are the plain ones but for float rounding.
        var worst = plainModel.Zip(result.Global.Values.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-5, $"largest difference {worst}");
    }

    [Fact]
    public async Task UserLevelDp_ChargesEveryRoundAtTheSelectedShare_AsTheOfflineAccountant()
    {
        var split = Split();
        var partition = RatingsPartition.PerUser(split.Train);
        var options = Options(split, ItemAggregation.GradientSum, 0.5f) with
        {
            Rounds = 3,
            Fraction = 0.5,
            Privacy = new PrivacyOptions { Client = new ClientPrivacyOptions { NoiseMultiplier = 1.1, ClipNorm = 0.5 } },
        };
        var simulator = new RecommendationSimulator(options);
        var parties = simulator.CreateParties(split, partition);
        var recording = new RecordingChannel(new RecommendationChannel(parties));

        var result = await RunThroughAsync(options, parties, recording);

        // One user per party: q = m/N of users, σ per round, three rounds (Mironov et al. 2019, classic conversion).
        var accountant = new RdpAccountant(1e-5);
        for (var round = 0; round < 3; round++)
        {
            accountant.Add(new SampledGaussianRound(1.1, 30.0 / 60));
        }

        Assert.All(result.Rounds, r => Assert.Equal(30, r.Selected));
        Assert.Equal(0.5, result.Rounds[^1].Privacy!.SamplingRate);
        Assert.Equal(accountant.Spent.Epsilon, result.Rounds[^1].Privacy!.ClientEpsilon!.Value, 1e-9);

        // The parties send the dense form (user-level DP clips the whole update, not a list of rows).
        Assert.All(recording.Plain, p => Assert.Equal(options.Spec.Layout(), p.Delta.Layout));
        Assert.Equal(90, recording.Plain.Count);
    }

    [Fact]
    public async Task UserLevelDp_WithNoiseAtThePartiesUnderSecureAggregation_TheCoordinatorSeesOnlyMaskedNoisyVectors()
    {
        var split = Split();
        var partition = RatingsPartition.PerUser(split.Train);
        var options = Options(split, ItemAggregation.GradientSum, 0.5f) with
        {
            Rounds = 2,
            Privacy = new PrivacyOptions { Client = new ClientPrivacyOptions { NoiseMultiplier = 1.0, ClipNorm = 0.5, Noise = NoisePlacement.Parties } },
            Protection = new SecureAggregationProtection(null, new FixedPointQuantization(1 << 20, 1)),
        };
        var simulator = new RecommendationSimulator(options);
        var parties = simulator.CreateParties(split, partition);
        var recording = new RecordingChannel(new RecommendationChannel(parties));

        var result = await RunThroughAsync(options, parties, recording);

        Assert.All(result.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        Assert.Empty(recording.Plain);
        Assert.All(recording.Protected, p => Assert.Equal(options.Spec.Layout().TotalLength, Assert.IsType<SecureAggregationMasked>(p.Payload).Input.Values.Length));
        Assert.True(result.Rounds[^1].Privacy!.ClientEpsilon > 0);
    }

    [Theory]
    [InlineData(ItemAggregation.WeightedMean, null, "The weighted mean under secagg needs the protection's weight cap")]
    [InlineData(ItemAggregation.Mean, 100.0, "The Mean aggregation under secagg weighs parties uniformly")]
    public void Options_ProtectionThatDoesNotFitTheMode_IsRefused(ItemAggregation mode, double? cap, string expected)
    {
        var options = Options(Split(), mode, 1f) with { Protection = new SecureAggregationProtection(null, FixedPointQuantization.Default, cap) };

        var error = Assert.Throws<ArgumentException>(() => new RecommendationSimulator(options));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static async Task<(float[] Model, double Rmse)> TrainAsync(RecommendationRunOptions options, RatingsSplit split, IReadOnlyList<PartyUsers> partition)
    {
        var simulator = new RecommendationSimulator(options);
        var parties = simulator.CreateParties(split, partition);
        var result = await simulator.RunAsync(parties, null, CancellationToken.None);
        Assert.All(result.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        var rmse = simulator.Evaluate(parties, result.Global, new RankingOptions { FullCatalogue = false }, CancellationToken.None).Ratings.Rmse;
        return (result.Global.Values.ToArray(), rmse);
    }

    // The simulator's own engine set-up, over a channel that records what reaches the coordinator.
    private static Task<RunResult> RunThroughAsync(RecommendationRunOptions options, IReadOnlyList<RecommendationParty> parties, IPartyChannel channel)
    {
        IAggregator aggregator = options.Privacy is null ? new ItemAggregator(options.Aggregation) : new WeightedMeanAggregator(AggregationWeighting.Uniform);
        var engine = new RoundEngine(new RoundEngineOptions
        {
            Strategy = new Strategy(StrategyKind.FedAvg, new FractionSelector(options.Fraction), aggregator, () => new ServerSgd(options.ServerLearningRate), p => p),
            Rounds = options.Rounds,
            Seed = options.Seed,
            RunId = "recommendation",
            FoldOrder = FoldOrder.Selection,
            Protection = options.Protection,
            Privacy = options.Privacy,
        });
        return engine.RunAsync(options.Spec.Initialize(options.Seed), [.. parties.Select(p => p.Party)], channel, null, null, null, CancellationToken.None);
    }

    private static RecommendationRunOptions Options(RatingsSplit split, ItemAggregation mode, float eta) => new()
    {
        Spec = new RecommenderSpec { Items = split.Train.ItemCount, Factors = 8, GlobalMean = (float)split.Train.MeanRating(), MinRating = 0.5f, MaxRating = 5f },
        Plan = new RecommendationPlan { Epochs = 1, UserEpochs = 1, LearningRate = 0.01f },
        Aggregation = mode,
        ServerLearningRate = eta,
        Rounds = 3,
        Seed = Seed,
    };

    private static double MaxTrainCount(RatingsSplit split, IReadOnlyList<PartyUsers> partition) =>
        PartyRatings.Build(split, partition).Max(p => p.TrainCount);

    private static RatingsSplit Split() =>
        RatingsSplit.Random(SyntheticRatings.Generate(users: 60, items: 80, ratingsPerUser: 25, seed: 3), 0.2, 5);

    /// <summary>What the coordinator receives: every plain update and every protected payload that crosses the channel.</summary>
    private sealed class RecordingChannel(IPartyChannel inner) : IPartyChannel
    {
        public ConcurrentBag<(PartyId Party, ParameterSet Delta)> Plain { get; } = [];

        public ConcurrentBag<(PartyId Party, ProtocolMessage Payload)> Protected { get; } = [];

        public async Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
        {
            var reply = await inner.TrainAsync(party, task, cancellationToken);
            if (reply.Update is { } update)
            {
                Plain.Add((party, update.Delta.Clone()));
            }

            if (reply.Protected is { } protectedUpdate)
            {
                Protected.Add((party, protectedUpdate.Payload));
            }

            return reply;
        }

        public Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken) =>
            inner.ExchangeAsync(party, step, cancellationToken);

        public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken) =>
            inner.EvaluateAsync(party, task, cancellationToken);
    }
}
