using System.Collections.Concurrent;
using Causeway.Core.Metrics;
using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Simulation;

namespace Causeway.Federation.Tests.Recommendation;

public sealed class FederatedRecommendationTests
{
    private const ulong Seed = 77;

    [Theory]
    [InlineData(RecommenderKind.MatrixFactorization)]
    [InlineData(RecommenderKind.Bpr)]
    public async Task OnePartyHoldingEveryUser_OneRound_EqualsCentralisedTraining(RecommenderKind kind)
    {
        var split = Split();
        var spec = Spec(split, kind);
        var plan = new RecommendationPlan { Epochs = 3, LearningRate = 0.02f };
        var options = new RecommendationRunOptions { Spec = spec, Plan = plan, Rounds = 1, Seed = Seed, Aggregation = ItemAggregation.Mean };
        var simulator = new RecommendationSimulator(options);
        var everyone = new PartyUsers(new PartyId("everyone"), [.. Enumerable.Range(0, split.Train.UserCount)]);
        var parties = simulator.CreateParties(split, [everyone]);

        var federated = await simulator.RunAsync(parties, null, CancellationToken.None);
        var central = CentralizedRecommender.Train(
            PartyRatings.All(split), spec, plan, Seed, Seeds.ToInt32(RunSeeds.Party(Seed, 1, everyone.Party)), null, CancellationToken.None);

        // The same SGD in the same order from the same start; the global model is global + (local − global), one rounding away.
        var expected = central.Items.Values.ToArray();
        var actual = federated.Global.Values.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (var j = 0; j < expected.Length; j++)
        {
            Assert.Equal(expected[j], actual[j], 1e-6f);
        }

        var ranking = new RankingOptions();
        var fedScores = simulator.Evaluate(parties, federated.Global, ranking, CancellationToken.None);
        var centralScores = central.Evaluate(ranking, Seed);
        Assert.Equal(centralScores.Ratings.Rmse, fedScores.Ratings.Rmse, 1e-5);
        Assert.Equal(centralScores.Sampled.Lists, fedScores.Sampled.Lists);
        Assert.Equal(centralScores.Sampled.HitRate, fedScores.Sampled.HitRate, 1e-9);
        Assert.Equal(centralScores.Full!.Value.Ndcg, fedScores.Full!.Value.Ndcg, 1e-9);
    }

    [Theory]
    [InlineData(ItemAggregation.Mean, 10f)]
    [InlineData(ItemAggregation.WeightedMean, 10f)]
    [InlineData(ItemAggregation.GradientSum, 0.01f)]
    public async Task PerUserParties_EveryMode_LowersTheTestRmseOfTheInitialModel(ItemAggregation mode, float eta)
    {
        var split = Split();
        var spec = Spec(split, RecommenderKind.MatrixFactorization);
        var options = new RecommendationRunOptions
        {
            Spec = spec,
            Plan = new RecommendationPlan { Epochs = 1, UserEpochs = 1, LearningRate = 0.01f },
            Aggregation = mode,
            ServerLearningRate = eta,
            Rounds = 15,
            Seed = Seed,
        };
        var simulator = new RecommendationSimulator(options);
        var parties = simulator.CreateParties(split, RatingsPartition.PerUser(split.Train));
        var before = simulator.Evaluate(parties, spec.Initialize(Seed), new RankingOptions { FullCatalogue = false }, CancellationToken.None).Ratings.Rmse;

        var result = await simulator.RunAsync(parties, null, CancellationToken.None);
        var after = simulator.Evaluate(parties, result.Global, new RankingOptions { FullCatalogue = false }, CancellationToken.None).Ratings.Rmse;

        Assert.All(result.Rounds, r => Assert.True(r.Succeeded));
        Assert.All(result.Rounds, r => Assert.Equal(parties.Count, r.Participants));
        Assert.True(after < before - 0.05, $"RMSE {before:F4} → {after:F4}");
    }

    [Fact]
    public async Task SeededRun_IsReproducible()
    {
        var split = Split();
        var options = new RecommendationRunOptions { Spec = Spec(split, RecommenderKind.MatrixFactorization), Rounds = 3, Seed = Seed, Fraction = 0.5 };

        async Task<float[]> RunAsync()
        {
            var simulator = new RecommendationSimulator(options);
            return (await simulator.RunAsync(simulator.CreateParties(split, RatingsPartition.PerUser(split.Train)), null, CancellationToken.None)).Global.Values.ToArray();
        }

        Assert.Equal(await RunAsync(), await RunAsync());
    }

    [Fact]
    public async Task SparseMode_TheCoordinatorReceivesOnlyTheRowsOfRatedItems_AndNoUserParameters()
    {
        var split = Split();
        var spec = Spec(split, RecommenderKind.MatrixFactorization);
        var simulator = new RecommendationSimulator(new RecommendationRunOptions { Spec = spec, Rounds = 2, Seed = Seed });
        var parties = simulator.CreateParties(split, RatingsPartition.Silos(split.Train, 3, Seed));
        var recording = new RecordingChannel(new RecommendationChannel(parties));

        await RunThroughAsync(simulator, spec, parties, recording);

        Assert.Equal(2 * parties.Count, recording.Received.Count);
        foreach (var (party, delta) in recording.Received)
        {
            var held = parties.Single(p => p.Party == party);
            var rated = Rated(split.Train, held.Data);

            // Exactly the rows of the items this party's users rated in training: which items they rated is revealed.
            Assert.Equal([ItemModel.Rows, ItemModel.Factors, ItemModel.Bias], delta.Layout.Tensors.Select(t => t.Name));
            Assert.Equal(rated, delta[ItemModel.Rows].ToArray().Select(r => (int)r));
            Assert.Equal(rated.Count * (spec.Factors + 2), delta.Length);

            // No user factor or user bias is among the values received.
            var users = held.Users;
            Assert.DoesNotContain(delta.Values.ToArray(), v => v != 0 && (users.Factors.Contains(v) || users.Bias.Contains(v)));
        }
    }

    [Fact]
    public async Task DenseForm_EveryRowOutsideTheRatedItemsIsExactlyZero()
    {
        var split = Split();
        var spec = Spec(split, RecommenderKind.MatrixFactorization);
        var simulator = new RecommendationSimulator(new RecommendationRunOptions
        {
            Spec = spec,
            Plan = new RecommendationPlan { Epochs = 1, Form = ItemUpdateForm.Dense },
            Rounds = 1,
            Seed = Seed,
        });
        var parties = simulator.CreateParties(split, RatingsPartition.PerUser(split.Train));
        var recording = new RecordingChannel(new RecommendationChannel(parties));

        await RunThroughAsync(simulator, spec, parties, recording);

        foreach (var (party, delta) in recording.Received)
        {
            var rated = Rated(split.Train, parties.Single(p => p.Party == party).Data).ToHashSet();
            Assert.Equal(spec.Layout(), delta.Layout);
            for (var i = 0; i < spec.Items; i++)
            {
                var row = delta[ItemModel.Factors].Slice(i * spec.Factors, spec.Factors);
                var nonZero = delta[ItemModel.Bias][i] != 0 || row.ContainsAnyExcept(0f);

                // Zero rows are "not rated", non-zero rows "rated": in the clear the dense form hides nothing.
                Assert.Equal(rated.Contains(i), nonZero);
            }
        }
    }

    [Theory]
    [InlineData(ItemAggregation.GradientSum)]
    [InlineData(ItemAggregation.Mean)]
    public async Task SlicedDownloads_AfterTheFirstRound_CarryOnlyEachPartysRows_AndTrainTheSameModel(ItemAggregation aggregation)
    {
        var split = Split();
        var spec = Spec(split, RecommenderKind.MatrixFactorization);
        var partition = RatingsPartition.PerUser(split.Train);
        var options = new RecommendationRunOptions
        {
            Spec = spec, Plan = new RecommendationPlan { Epochs = 1, UserEpochs = 1 }, Aggregation = aggregation, Rounds = 3, Seed = Seed,
            ServerLearningRate = aggregation == ItemAggregation.GradientSum ? 0.01f : 1f,
        };

        async Task<ParameterSet> TrainAsync(Func<IPartyChannel, IPartyChannel> wrap, ConcurrentBag<(int Round, PartyId Party, ParameterLayout Layout, float[] Rows)>? tasks)
        {
            var simulator = new RecommendationSimulator(options);
            var parties = simulator.CreateParties(split, partition);
            using var inner = new RecommendationChannel(parties);
            var engine = new RoundEngine(new RoundEngineOptions
            {
                Strategy = new Strategy(StrategyKind.FedAvg, new FractionSelector(1), new ItemAggregator(aggregation), () => new ServerSgd(options.ServerLearningRate), p => p),
                Rounds = options.Rounds,
                Seed = Seed,
                FoldOrder = FoldOrder.Selection,
            });
            var result = await engine.RunAsync(spec.Initialize(Seed), [.. parties.Select(p => p.Party)], wrap(new TaskRecordingChannel(inner, tasks)), null, null, null, CancellationToken.None);
            Assert.All(result.Rounds, r => Assert.Equal(parties.Count, r.Participants));
            return result.Global;
        }

        var tasks = new ConcurrentBag<(int Round, PartyId Party, ParameterLayout Layout, float[] Rows)>();
        var sliced = await TrainAsync(inner => new Federation.Recommendation.Network.ItemSliceChannel(inner), tasks);
        var whole = await TrainAsync(inner => inner, null);

        // Round 1 sends the whole model; rounds 2 and 3 send each user exactly the rows of the items they rated.
        var data = PartyRatings.Build(split, partition);
        Assert.All(tasks.Where(t => t.Round == 1), t => Assert.Equal(spec.Layout(), t.Layout));
        foreach (var (round, party, layout, rows) in tasks.Where(t => t.Round > 1))
        {
            var rated = Rated(split.Train, data[partition.ToList().FindIndex(p => p.Party == party)]);
            Assert.Equal(ItemModel.SliceLayout(rated.Count, spec.Factors), layout);
            Assert.Equal(rated.Select(r => (float)r), rows);
        }

        Assert.Equal(3 * partition.Count, tasks.Count);
        Assert.Equal(whole.Values.ToArray(), sliced.Values.ToArray());
    }

    [Fact]
    public void Party_SliceWithoutOneOfItsRatedRows_AnswersWithADropoutNamingTheRow()
    {
        var split = Split();
        var spec = Spec(split, RecommenderKind.MatrixFactorization);
        var user = RatingsPartition.PerUser(split.Train)[0];
        var data = PartyRatings.Build(split, [user])[0];
        var party = new RecommendationParty(user.Party, data, spec, new RecommendationPlan { Epochs = 1 }, Seed);
        var rated = Rated(split.Train, data);

        var reply = party.Train(new TrainTask(TestData.Round(), ItemModel.Slice(spec.Initialize(1), rated.Skip(1).ToArray()), new Core.Training.TrainingPlan(), 1), CancellationToken.None);

        Assert.Equal(FailureKind.Dropout, reply.Failure!.Kind);
        Assert.Equal($"the task's slice of the item model lacks row {rated[0]}, an item this party rated", reply.Failure.Reason);
    }

    [Fact]
    public void Party_WithoutTrainingRatings_AnswersWithADropout()
    {
        var split = Split();
        var spec = Spec(split, RecommenderKind.MatrixFactorization);
        var empty = PartyRatings.Build(new RatingsSplit(split.Train.Select([]), split.Test.Select([])), [new PartyUsers(new PartyId("nobody"), [0])])[0];
        var party = new RecommendationParty(new PartyId("nobody"), empty, spec, new RecommendationPlan(), Seed);

        var reply = party.Train(new TrainTask(TestData.Round(), spec.Initialize(1), new Core.Training.TrainingPlan(), 1), CancellationToken.None);

        Assert.Equal(FailureKind.Dropout, reply.Failure!.Kind);
        Assert.Equal("the party holds no training ratings", reply.Failure.Reason);
    }

    private static async Task RunThroughAsync(RecommendationSimulator simulator, RecommenderSpec spec, IReadOnlyList<RecommendationParty> parties, IPartyChannel channel)
    {
        var engine = new RoundEngine(new RoundEngineOptions
        {
            Strategy = new Strategy(StrategyKind.FedAvg, new FractionSelector(1), new ItemAggregator(), () => new ServerSgd(), p => p),
            Rounds = simulator.Plan.Form == ItemUpdateForm.Dense ? 1 : 2,
            Seed = Seed,
            FoldOrder = FoldOrder.Selection,
        });
        var result = await engine.RunAsync(spec.Initialize(Seed), [.. parties.Select(p => p.Party)], channel, null, null, null, CancellationToken.None);
        Assert.All(result.Rounds, r => Assert.Equal(parties.Count, r.Participants));
    }

    private static List<int> Rated(RatingsData train, PartyRatings party)
    {
        var users = party.UserIndices.ToHashSet();
        var items = new SortedSet<int>();
        for (var r = 0; r < train.Count; r++)
        {
            if (users.Contains(train.Users[r]))
            {
                items.Add(train.Items[r]);
            }
        }

        return [.. items];
    }

    internal static RatingsSplit Split() =>
        RatingsSplit.Random(SyntheticRatings.Generate(users: 60, items: 80, ratingsPerUser: 25, seed: 3), 0.2, 5);

    internal static RecommenderSpec Spec(RatingsSplit split, RecommenderKind kind) => new()
    {
        Kind = kind,
        Items = split.Train.ItemCount,
        Factors = 8,
        GlobalMean = kind == RecommenderKind.Bpr ? 0 : (float)split.Train.MeanRating(),
        MinRating = 0.5f,
        MaxRating = 5f,
    };

    /// <summary>What the parties receive: every train task's model layout (and a slice's rows), by round.</summary>
    private sealed class TaskRecordingChannel(IPartyChannel inner, ConcurrentBag<(int Round, PartyId Party, ParameterLayout Layout, float[] Rows)>? tasks) : IPartyChannel
    {
        public Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
        {
            var rows = ItemModel.DescribeSlice(task.Global.Layout) is null ? [] : task.Global[ItemModel.Rows].ToArray();
            tasks?.Add((task.Round.Round, party, task.Global.Layout, rows));
            return inner.TrainAsync(party, task, cancellationToken);
        }

        public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken) =>
            inner.EvaluateAsync(party, task, cancellationToken);
    }

    /// <summary>What the coordinator receives: every update that crosses the channel.</summary>
    private sealed class RecordingChannel(IPartyChannel inner) : IPartyChannel
    {
        public ConcurrentBag<(PartyId Party, ParameterSet Delta)> Received { get; } = [];

        public async Task<PartyReply> TrainAsync(PartyId party, TrainTask task, CancellationToken cancellationToken)
        {
            var reply = await inner.TrainAsync(party, task, cancellationToken);
            if (reply.Update is { } update)
            {
                Received.Add((party, update.Delta.Clone()));
            }

            return reply;
        }

        public Task<Evaluation?> EvaluateAsync(PartyId party, EvaluateTask task, CancellationToken cancellationToken) =>
            inner.EvaluateAsync(party, task, cancellationToken);
    }
}
