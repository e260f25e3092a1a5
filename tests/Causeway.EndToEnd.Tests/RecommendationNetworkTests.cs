using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Causeway.Coordinator.Refusals;
using Causeway.Coordinator.Storage;
using Causeway.EndToEnd.Tests.Infrastructure;
using Causeway.Federation;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Recommendation;
using Causeway.Federation.Recommendation.Data;
using Causeway.Federation.Recommendation.Inference;
using Causeway.Federation.Recommendation.Metrics;
using Causeway.Federation.Recommendation.Network;
using Causeway.Federation.Recommendation.Popularity;
using Causeway.Federation.Recommendation.Simulation;
using Causeway.Party;
using Causeway.Protocol;
using Microsoft.Extensions.DependencyInjection;
using V1 = Causeway.Protocol.V1;

namespace Causeway.EndToEnd.Tests;

/// <summary>
/// A recommendation run over HTTP/2 on loopback: a real coordinator, one <see cref="PartyHost"/> and session per user
/// (virtual users, as <c>causeway party --ratings FILE --virtual-users</c> runs them), item updates on the wire.
/// </summary>
public sealed class RecommendationNetworkTests
{
    private const int Users = 12;
    private const int Items = 20;
    private const int Factors = 4;
    private const int Rounds = 3;

    private const string Config = """
        {
          "name": "recsys", "rounds": 3, "seed": 7,
          "strategy": { "name": "fedavg", "serverLearningRate": 0.05 },
          "round": { "deadlineSeconds": 60 },
          "evaluation": { "everyRounds": 1 },
          "recommendation": { "factors": 4, "aggregation": "gradientsum", "userEpochs": 1 },
        }
        """;

    [Fact]
    public async Task RecommendationRun_VirtualUsers_ReceivesOnlyRatedRows_AndScoresAsTheSimulation()
    {
        var data = RatingsReader.Read(new StringReader(SmallRatings()), "ratings.csv");
        var split = RatingsSplit.Random(data, 0.2, 42);
        var partition = RatingsPartition.PerUser(split.Train);
        var ratings = PartyRatings.Build(split, partition);
        var catalogue = RatingsDescription.DigestOf(data.ItemIds);
        await using var server = await CoordinatorServer.StartAsync(o => (o.StatisticsEpsilonBudget, o.StatisticsDeltaBudget) = (1.0, 1e-5));
        await using var users = await VirtualUsers.StartAsync(server, data, partition, ratings);
        var handlers = users.Handlers;

        // Act
        var id = await server.Runs.StartAsync(Config, CancellationToken.None).DefaultTimeout();
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(3));

        // Assert: every round took every user's update, each holding only the rows of the items that user rated
        // (rows + k factors + bias per item, 4 bytes a value) — the coordinator never got a user parameter.
        var store = server.Services.GetRequiredService<IRunStore>();
        var run = (await store.GetRunAsync(id, CancellationToken.None))!;
        Assert.Equal((RunStatus.Completed, (string?)null), (run.Status, run.StatusMessage));
        var rounds = await store.GetRoundsAsync(id, CancellationToken.None);
        var ratedRows = split.Train.Users.ToArray().Zip(split.Train.Items.ToArray()).Distinct().Count();
        var trained = ratings.Count(r => r.TrainCount > 0);
        Assert.Equal(Enumerable.Repeat((trained, 4L * ratedRows * (Factors + 2)), Rounds), rounds.Select(r => (r.Participants, r.Bytes)));

        // The same run in simulation scores the same (float sums in another order aside).
        Assert.Equal(await SimulatedRmseAsync(data, split, partition), rounds[^1].Rmse!.Value, 4);

        // Top-K at the party, over its own HTTP endpoint: the user's rated items (training and held out) never appear.
        await using var endpoint = await RecommendationServer.StartAsync(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), handlers, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = endpoint.Address };
        var user = data.UserIds[0];
        var rated = Rated(data, 0);
        var list = await http.GetFromJsonAsync<RecommendationServer.RecommendationsResponse>(new Uri($"recommendations/{user}?k=5", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(5, list!.Items.Count);
        Assert.Empty(list.Items.Select(i => i.Item).Intersect(rated));
        Assert.Equal(list.Items.Select(i => i.Score).OrderDescending(), list.Items.Select(i => i.Score));
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri("recommendations/nobody", UriKind.Relative)).DefaultTimeout()).StatusCode);

        // A new user folds in from a few ratings without a round: their list leaves those items out, and the fitted
        // vector predicts those ratings better than the item side alone (μ + b_i, a zero user vector).
        var given = Enumerable.Range(0, data.Count).Where(r => data.Users[r] == 1).Select(r => (Item: data.ItemIds[data.Items[r]], Rating: data.Ratings[r])).Take(5).ToList();
        var folded = await http.PutAsJsonAsync(
            new Uri("users/newcomer/ratings", UriKind.Relative),
            new RecommendationServer.FoldInRequest([.. given.Select(g => new RecommendationServer.ItemRating(g.Item, g.Rating))])).DefaultTimeout();
        Assert.Equal(HttpStatusCode.NoContent, folded.StatusCode);
        var newcomer = await http.GetFromJsonAsync<RecommendationServer.RecommendationsResponse>(new Uri("recommendations/newcomer?k=20", UriKind.Relative)).DefaultTimeout();
        Assert.Equal(Items - given.Count, newcomer!.Items.Count);
        Assert.Empty(newcomer.Items.Select(i => i.Item).Intersect(given.Select(g => g.Item)));
        var model = handlers[0].LatestModel!;
        double fittedError = 0, itemSideError = 0;
        foreach (var (item, rating) in given)
        {
            var row = data.ItemIds.ToList().IndexOf(item);
            fittedError += Math.Pow(rating - handlers[0].PredictFolded("newcomer", item)!.Value, 2);
            itemSideError += Math.Pow(rating - (model[ItemModel.GlobalMean][0] + model[ItemModel.Bias][row]), 2);
        }

        Assert.True(fittedError < itemSideError, $"fold-in: squared error {fittedError} against {itemSideError} for the item side alone");

        // The coordinator's item model (no user parameter in it) is the one the parties hold, and exports with item ids.
        using var admin = server.CreateAdminClient();
        var bytes = await admin.GetByteArrayAsync(new Uri($"api/runs/{id}/model", UriKind.Relative)).DefaultTimeout();
        var (setup, items) = ItemModelFile.Read(new MemoryStream(bytes), "model");
        Assert.Equal(
            (data.ItemCount, Factors, RatingsDescription.DigestOf(data.ItemIds), (float)split.Train.MeanRating()),
            (setup.Spec.Items, setup.Spec.Factors, setup.Catalogue, items[ItemModel.GlobalMean][0]));
        Assert.Equal(model.Values.ToArray(), items.Values.ToArray());
        var folder = Directory.CreateTempSubdirectory("causeway-items-");
        try
        {
            var (modelPath, ratingsPath, csvPath) = (Path.Combine(folder.FullName, "items.cw"), Path.Combine(folder.FullName, "ratings.csv"), Path.Combine(folder.FullName, "items.csv"));
            await File.WriteAllBytesAsync(modelPath, bytes);
            await File.WriteAllTextAsync(ratingsPath, SmallRatings());
            var (exitCode, stdout, stderr) = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "model", "export-items", modelPath, "--ratings", ratingsPath, "--out", csvPath);
            Assert.True(exitCode == 0, stdout + stderr);
            var lines = await File.ReadAllLinesAsync(csvPath);
            Assert.Equal(data.ItemCount + 1, lines.Length);
            var third = lines[3].Split(',');
            Assert.Equal(data.ItemIds[2], third[0]);
            Assert.Equal(items[ItemModel.Bias][2], float.Parse(third[1], CultureInfo.InvariantCulture));
            Assert.Equal(items[ItemModel.Factors].Slice(2 * Factors, Factors).ToArray(), third[2..].Select(v => float.Parse(v, CultureInfo.InvariantCulture)));
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        // Popular items with DP: a party's answer never holds an exact count (each is its clipped count plus noise)...
        var sigma = PopularItems.NoiseFor(0.5, 1e-6, 3);
        var exact = PopularItems.ClippedCounts(ratings[0], 100, Privacy.Mechanisms.NoiseSource.Create());
        var answer = Assert.IsType<NoisyItemCounts>(handlers[0].AnswerPopularItems(new PopularItemsRequest(Items, catalogue, 100, sigma)).Reply);
        Assert.Equal(Items, answer.Counts.Length);
        Assert.All(answer.Counts.Zip(exact), c => Assert.NotEqual(c.Second, c.First));

        // ... and a release is charged to the run's statistics budget before any party is asked, sums what the
        // parties sent, and is refused, asking nobody, once the budget cannot pay.
        var released = await admin.PostAsJsonAsync(new Uri($"api/runs/{id}/popular-items", UriKind.Relative), new { epsilon = 0.5, delta = 1e-6, maxItemsPerUser = 3, top = 5 }).DefaultTimeout();
        var body = await released.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>().DefaultTimeout();
        Assert.True(released.StatusCode == HttpStatusCode.OK, body.ToString());
        var release = body.GetProperty("release");
        Assert.Equal(
            (partition.Count, partition.Count, 5, sigma, 0.5),
            (release.GetProperty("partiesAnswered").GetInt32(), release.GetProperty("partiesAsked").GetInt32(), release.GetProperty("items").GetArrayLength(),
                release.GetProperty("noiseStandardDeviation").GetDouble(), body.GetProperty("budget").GetProperty("epsilonSpent").GetDouble()));
        Assert.All(release.GetProperty("items").EnumerateArray(), item => Assert.NotEqual(Math.Round(item.GetProperty("noisyCount").GetDouble()), item.GetProperty("noisyCount").GetDouble()));
        var second = await admin.PostAsJsonAsync(new Uri($"api/runs/{id}/popular-items", UriKind.Relative), new { epsilon = 0.9, delta = 1e-6 }).DefaultTimeout();
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains("no party was asked", await second.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecommendationRun_Asynchronous_AppliesBuffersOfRatedRows_AndRecordsVersions()
    {
        const int buffer = 3;
        const int steps = Rounds * Users / buffer;
        var data = RatingsReader.Read(new StringReader(SmallRatings()), "ratings.csv");
        var split = RatingsSplit.Random(data, 0.2, 42);
        var partition = RatingsPartition.PerUser(split.Train);
        var ratings = PartyRatings.Build(split, partition);
        await using var server = await CoordinatorServer.StartAsync();
        await using var users = await VirtualUsers.StartAsync(server, data, partition, ratings);
        var config = Config
            .Replace("\"rounds\": 3", $"\"rounds\": {steps}", StringComparison.Ordinal)
            .Replace("\"everyRounds\": 1", $"\"everyRounds\": {steps}", StringComparison.Ordinal)
            .Replace("\"round\":", $"\"updates\": {{ \"mode\": \"async\", \"bufferSize\": {buffer}, \"concurrency\": {2 * buffer}, \"maxStaleness\": 4 }},\n  \"round\":", StringComparison.Ordinal);

        // Act
        var id = await server.Runs.StartAsync(config, CancellationToken.None).DefaultTimeout();
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(3));

        // Assert: every server step applied K updates, each holding only its user's rated rows, and recorded the
        // version it was trained on (at most 4 behind the version it was applied to).
        var store = server.Services.GetRequiredService<IRunStore>();
        var run = (await store.GetRunAsync(id, CancellationToken.None))!;
        Assert.Equal((RunStatus.Completed, (string?)null), (run.Status, run.StatusMessage));
        var rounds = await store.GetRoundsAsync(id, CancellationToken.None);
        Assert.Equal(Enumerable.Repeat(buffer, steps), rounds.Select(r => r.Participants));
        var ratedRows = partition.ToDictionary(p => p.Party, p => split.Train.Items.ToArray().Where((_, r) => p.Users.Contains(split.Train.Users[r])).Distinct().Count());
        foreach (var round in rounds)
        {
            var accepted = round.Parties.Where(p => p.Outcome == PartyOutcome.Accepted).ToList();
            Assert.All(accepted, p => Assert.Equal(4L * ratedRows[p.Party] * (Factors + 2), p.Bytes));
            Assert.All(accepted, p => Assert.Equal(round.Round - 1, p.AppliedToVersion));
            Assert.All(accepted, p => Assert.InRange(p.Staleness!.Value, 0, 4));
        }

        Assert.Contains(rounds.SelectMany(r => r.Parties), p => p.Staleness > 0);

        // The same update budget in synchronous simulation scores alike: no worse than 0.05 above it. The arrival order, and
        // with it the staleness of each update and the model, depends on timing; under a loaded machine it has come out
        // 0.06 better (a CI run), so only the bad side is bounded tightly.
        var synchronous = await SimulatedRmseAsync(data, split, partition);
        Assert.InRange(rounds[^1].Rmse!.Value, synchronous - 0.25, synchronous + 0.05);
    }

    [Fact]
    public async Task RecommendationRun_NoRatingsParty_IsRefusedWithAHint()
    {
        await using var server = await CoordinatorServer.StartAsync();

        var refusal = await Assert.ThrowsAsync<ConflictException>(() => server.Runs.StartAsync(Config, CancellationToken.None)).DefaultTimeout();

        Assert.Equal("no party with ratings is connected; start the parties (causeway party --ratings FILE) first", refusal.Message);
    }

    [Theory]
    [InlineData("mean", 1.0, """ "protection": { "kind": "secagg", "scale": 1048576, "clipBound": 1 }, """)]
    [InlineData("gradientsum", 0.05, """ "protection": { "kind": "secagg", "scale": 1048576, "clipBound": 8 }, """)]
    [InlineData("mean", 1.0, """ "protection": { "kind": "paillier", "keyHolder": "user-u0" }, """)]
    [InlineData("mean", 1.0, """ "privacy": { "client": { "noiseMultiplier": 0, "clipNorm": 0.5 } }, """)]
    public async Task RecommendationRun_ProtectedOrPrivate_SendsNoPlainItemUpdate_AndScoresAsTheSimulation(string aggregation, double serverRate, string section)
    {
        var data = RatingsReader.Read(new StringReader(SmallRatings()), "ratings.csv");
        var split = RatingsSplit.Random(data, 0.2, 42);
        var partition = RatingsPartition.PerUser(split.Train);
        var ratings = PartyRatings.Build(split, partition);
        var tap = new WireTap();
        await using var server = await CoordinatorServer.StartAsync(tap: tap);
        await using var users = await VirtualUsers.StartAsync(server, data, partition, ratings);
        var json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "name": "recsys-protected", "rounds": {{Rounds}}, "seed": 7,
              "strategy": { "name": "fedavg", "serverLearningRate": {{serverRate}} },
              "round": { "deadlineSeconds": 120 },
              "evaluation": { "everyRounds": {{Rounds}} },
              {{section}}
              "recommendation": { "factors": {{Factors}}, "aggregation": "{{aggregation}}", "userEpochs": 1 }
            }
            """);
        var config = Federation.Configuration.RunConfig.Parse(json, "test");

        // Act
        var id = await server.Runs.StartAsync(json, CancellationToken.None).DefaultTimeout();
        await server.Runs.WaitForActiveRunAsync().WaitAsync(TimeSpan.FromMinutes(3));

        // Assert: every round took every user, and no train reply on the wire carried a plain item update: the
        // protected ones are masked vectors or ciphertexts of one length for every user (the whole catalogue, so the
        // length does not tell which items a user rated); the private ones are dense, clipped deltas.
        var store = server.Services.GetRequiredService<IRunStore>();
        var run = (await store.GetRunAsync(id, CancellationToken.None))!;
        Assert.Equal((RunStatus.Completed, (string?)null), (run.Status, run.StatusMessage));
        var rounds = await store.GetRoundsAsync(id, CancellationToken.None);
        var trained = ratings.Count(r => r.TrainCount > 0);
        Assert.All(rounds, r => Assert.Equal(trained, r.Participants));
        var pushes = tap.TrainResults();
        Assert.Equal(Rounds * trained, pushes.Count);
        if (config.Protection is not null)
        {
            Assert.All(pushes, p => Assert.Null(p.Train.Delta));
            var whole = aggregation == "gradientsum"
                ? ItemModel.Layout(data.ItemCount, Factors).TotalLength
                : ItemModel.CountedLayout(data.ItemCount, Factors).TotalLength;
            var lengths = pushes.Select(p => p.Train.ProtectedUpdate switch
            {
                { SecaggMasked: { } masked } => masked.Values.Length / sizeof(uint),
                { PaillierEncrypted: { } encrypted } => encrypted.Length,
                _ => -1,
            });
            Assert.Equal([whole], lengths.Distinct());
        }
        else
        {
            var dense = ItemModel.Layout(data.ItemCount, Factors).TotalLength;
            Assert.All(pushes, p => Assert.Equal(dense, p.Train.Delta.Tensors.Sum(t => t.Data.Length / sizeof(float))));
        }

        // The same run in simulation (same protection or privacy) scores the same, fixed-point and float order aside.
        var recommendation = config.Recommendation!;
        var expected = await SimulatedRmseAsync(data, split, partition, options => options with
        {
            Plan = recommendation.ToPlan(),
            Aggregation = recommendation.Aggregation,
            ServerLearningRate = (float)serverRate,
            Protection = config.Protection?.CreateProtection(),
            Privacy = config.Privacy,
        });
        Assert.Equal(expected, rounds[^1].Rmse!.Value, 1e-4);
    }

    [Fact]
    public async Task PartyRelease_PopularItems_IsNoisedAndChargedToALedgerThatOutlivesTheParty()
    {
        var data = RatingsReader.Read(new StringReader(SmallRatings()), "ratings.csv");
        var split = RatingsSplit.Random(data, 0.2, 42);
        var partition = RatingsPartition.Silos(split.Train, 2, 42);
        var ratings = PartyRatings.Build(split, partition);
        var handlers = partition.Select((p, i) => new RatingsHandler(p.Party, ratings[i], data.ItemIds)).ToList();
        var folder = Directory.CreateTempSubdirectory("causeway-ledger-");
        var ledgerPath = Path.Combine(folder.FullName, "releases.json");
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        try
        {
            // Without a ledger the party releases nothing beyond itself.
            await using (var closed = await RecommendationServer.StartAsync(loopback, handlers, CancellationToken.None).DefaultTimeout())
            {
                using var http = new HttpClient { BaseAddress = closed.Address };
                var refused = await http.GetAsync(new Uri("popular?epsilon=0.5", UriKind.Relative)).DefaultTimeout();
                Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
                Assert.Contains("--release-ledger", await refused.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
            }

            // With one: the release is noised (no exact count), costs what it says, and is written down first.
            string afterFirst;
            using (var ledger = ReleaseLedger.Open(ledgerPath, 1.0, 1e-6))
            await using (var open = await RecommendationServer.StartAsync(loopback, handlers, CancellationToken.None, ledger).DefaultTimeout())
            {
                using var http = new HttpClient { BaseAddress = open.Address };
                Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri("popular?epsilon=1.5", UriKind.Relative)).DefaultTimeout()).StatusCode);
                var released = await http.GetFromJsonAsync<RecommendationServer.PopularResponse>(new Uri("popular?epsilon=0.6&delta=1e-7&top=5", UriKind.Relative)).DefaultTimeout();
                using var randomness = Privacy.Mechanisms.NoiseSource.Create();
                var exact = handlers.Select(h => h.ClippedItemCounts(50, randomness)).Aggregate((a, b) => [.. a.Zip(b, (x, y) => x + y)]);
                Assert.Equal(
                    (5, PopularItems.NoiseFor(0.6, 1e-7, 50), 0.6, 1.0),
                    (released!.Items.Count, released.NoiseStandardDeviation, released.Budget.EpsilonSpent, released.Budget.EpsilonBudget));
                Assert.All(released.Items, i => Assert.NotEqual(exact[data.ItemIds.ToList().IndexOf(i.Item)], i.NoisyCount));
                afterFirst = await File.ReadAllTextAsync(ledgerPath);
                Assert.Contains("\"epsilon\": 0.6", afterFirst, StringComparison.Ordinal);
                Assert.DoesNotContain(data.ItemIds, id => afterFirst.Contains($"\"{id}\"", StringComparison.Ordinal));

                // A release the budget cannot pay computes nothing and writes nothing.
                var over = await http.GetAsync(new Uri("popular?epsilon=0.6", UriKind.Relative)).DefaultTimeout();
                Assert.Equal(HttpStatusCode.Conflict, over.StatusCode);
                Assert.Contains("spent 0.6 of 1", await over.Content.ReadAsStringAsync().DefaultTimeout(), StringComparison.Ordinal);
                Assert.Equal(afterFirst, await File.ReadAllTextAsync(ledgerPath));
            }

            // A restarted party carries on from the ledger's spending.
            using (var reopened = ReleaseLedger.Open(ledgerPath, 1.0, 1e-6))
            {
                Assert.Equal(0.6, reopened.EpsilonSpent, 12);
                Assert.False(reopened.TryCharge(0.5, 1e-7, "test", DateTimeOffset.UtcNow));
                Assert.True(reopened.TryCharge(0.4, 1e-7, "test", DateTimeOffset.UtcNow));
            }

            // A file that is not a ledger is reported and left as it was.
            await File.WriteAllTextAsync(ledgerPath, "{ \"releases\": [ { \"epsilon\": -1 } ] }");
            var error = Assert.Throws<IOException>(() => ReleaseLedger.Open(ledgerPath, 1.0, 1e-6));
            Assert.Contains(ledgerPath, error.Message, StringComparison.Ordinal);
            Assert.Equal("{ \"releases\": [ { \"epsilon\": -1 } ] }", await File.ReadAllTextAsync(ledgerPath));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ItemModel_ExportedAsOnnx_ScoresEveryItemForAUsersOwnVector_AsThePartyDoes()
    {
        var (data, _, parties, partition, trained, modelPath, folder) = await TrainItemModelAsync();
        try
        {
            var onnxPath = Path.Combine(folder.FullName, "items.onnx");
            var (exitCode, stdout, stderr) = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), "export", "--model", modelPath, "--format", "onnx", "--out", onnxPath);
            Assert.True(exitCode == 0, stdout + stderr);

            using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnxPath);
            foreach (var (party, users) in parties.Zip(partition).Take(5))
            {
                var user = party.UserVectorOf(data.UserIds[users.Users[0]])!;
                using var results = session.Run(
                [
                    Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("user_factors", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(user.Factors.ToArray(), [1, Factors])),
                    Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("user_bias", new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(new[] { user.Bias }, [1, 1])),
                ]);
                var scores = results.Single(r => r.Name == "scores").AsEnumerable<float>().ToArray();
                Assert.Equal(Items, scores.Length);
                Assert.All(Enumerable.Range(0, Items), i => Assert.Equal(UserFit.Predict(trained.Global, user, i), scores[i], 1e-5f));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ItemEmbeddings_AsAnInnerProductCollection_GiveAUsersTopKAsAnAnnQuery()
    {
        var (data, _, parties, partition, trained, modelPath, folder) = await TrainItemModelAsync();
        try
        {
            var (ratingsPath, itemsPath, store) = (Path.Combine(folder.FullName, "ratings.csv"), Path.Combine(folder.FullName, "items.jsonl"), Path.Combine(folder.FullName, "vectors"));

            await File.WriteAllTextAsync(ratingsPath, SmallRatings());

            // Act: the item embeddings as an inner-product collection of k + 1 dimensions, through the CLI.
            foreach (var arguments in new[]
            {
                new[] { "model", "export-items", modelPath, "--ratings", ratingsPath, "--out", itemsPath },
                ["vectors", "create", "--store", store, "--collection", "items", "--dim", (Factors + 1).ToString(CultureInfo.InvariantCulture), "--metric", "ip"],
                ["vectors", "insert", "--store", store, "--collection", "items", "--from", itemsPath],
            })
            {
                var (exitCode, stdout, stderr) = await CliRunner.RunAsync(TimeSpan.FromMinutes(2), arguments);
                Assert.True(exitCode == 0, stdout + stderr);
            }

            // Assert: for every user, the query [1, p_u] ranks the unseen items as the party's own scan does.
            using var collection = Vectors.VectorCollection.Open(Path.Combine(store, "items"));
            Assert.Equal(Items, collection.Count);
            foreach (var (party, users) in parties.Zip(partition))
            {
                var user = party.UserVectorOf(data.UserIds[users.Users[0]])!;
                var expected = TopItems.For(trained.Global, user, 5).Select(s => data.ItemIds[s.Item]);
                var seen = user.Seen.Select(i => data.ItemIds[i]).ToHashSet();
                var hits = collection.Search([1f, .. user.Factors], Items).Where(h => !seen.Contains(h.Id)).Take(5).Select(h => h.Id);
                Assert.Equal(expected, hits);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    // A small item model trained in simulation and written as a model file in a new folder (the caller deletes it).
    private static async Task<(RatingsData Data, RatingsSplit Split, IReadOnlyList<RecommendationParty> Parties, IReadOnlyList<PartyUsers> Partition, RunResult Trained, string ModelPath, DirectoryInfo Folder)> TrainItemModelAsync()
    {
        var data = RatingsReader.Read(new StringReader(SmallRatings()), "ratings.csv");
        var split = RatingsSplit.Random(data, 0.2, 42);
        var partition = RatingsPartition.PerUser(split.Train);
        var spec = new RecommenderSpec
        {
            Items = data.ItemCount, Factors = Factors, GlobalMean = (float)split.Train.MeanRating(),
            MinRating = split.Train.RatingRange().Min, MaxRating = split.Train.RatingRange().Max,
        };
        var plan = new RecommendationPlan { Epochs = 1, UserEpochs = 1 };
        var simulator = new RecommendationSimulator(new RecommendationRunOptions { Spec = spec, Plan = plan, Aggregation = ItemAggregation.GradientSum, ServerLearningRate = 0.05f, Rounds = 5, Seed = 7 });
        var parties = simulator.CreateParties(split, partition);
        var trained = await simulator.RunAsync(parties, null, CancellationToken.None).DefaultTimeout();
        var folder = Directory.CreateTempSubdirectory("causeway-item-model-");
        var modelPath = Path.Combine(folder.FullName, "items.cw");
        await using (var file = File.Create(modelPath))
        {
            ItemModelFile.Write(file, new RecommendationSetup(spec, plan, 7, RatingsDescription.DigestOf(data.ItemIds)), trained.Global);
        }

        return (data, split, parties, partition, trained, modelPath, folder);
    }

    // The held-out RMSE of the tests' run (gradient sum, η 0.05, one user pass, 3 rounds, seed 7) in simulation, scored
    // where the users are, or of the run `adjust` makes of it.
    private static async Task<double> SimulatedRmseAsync(
        RatingsData data, RatingsSplit split, IReadOnlyList<PartyUsers> partition, Func<RecommendationRunOptions, RecommendationRunOptions>? adjust = null)
    {
        var options = new RecommendationRunOptions
        {
            Spec = new RecommenderSpec
            {
                Items = data.ItemCount, Factors = Factors, GlobalMean = (float)split.Train.MeanRating(),
                MinRating = split.Train.RatingRange().Min, MaxRating = split.Train.RatingRange().Max,
            },
            Plan = new RecommendationPlan { Epochs = 1, UserEpochs = 1 },
            Aggregation = ItemAggregation.GradientSum,
            ServerLearningRate = 0.05f,
            Rounds = Rounds,
            Seed = 7,
        };
        var simulator = new RecommendationSimulator(adjust?.Invoke(options) ?? options);
        var parties = simulator.CreateParties(split, partition);
        var simulated = await simulator.RunAsync(parties, null, CancellationToken.None).DefaultTimeout();
        return simulator.Evaluate(parties, simulated.Global, new RankingOptions(), CancellationToken.None).Ratings.Rmse;
    }

    // One PartyHost and session per user on the test server, as `causeway party --ratings FILE --virtual-users` runs them.
    private sealed class VirtualUsers : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<PartyClient> _clients;
        private readonly List<PartyHost> _hosts;
        private readonly List<Task> _running;

        private VirtualUsers(List<PartyClient> clients, List<RatingsHandler> handlers, List<PartyHost> hosts)
        {
            (_clients, Handlers, _hosts) = (clients, handlers, hosts);
            _running = [.. hosts.Select(h => h.RunAsync(_stop.Token))];
        }

        public List<RatingsHandler> Handlers { get; }

        public static async Task<VirtualUsers> StartAsync(CoordinatorServer server, RatingsData data, IReadOnlyList<PartyUsers> partition, IReadOnlyList<PartyRatings> ratings)
        {
            var clients = partition.Select(p => server.CreateClient(p.Party.Value)).ToList();
            var handlers = partition.Select((p, i) => new RatingsHandler(p.Party, ratings[i], data.ItemIds)).ToList();
            var hosts = partition.Select((p, i) => new PartyHost(clients[i], handlers[i], server.PartyOptions(p.Party.Value))).ToList();
            var users = new VirtualUsers(clients, handlers, hosts);
            foreach (var party in partition)
            {
                await server.WaitUntilPollingAsync(party.Party.Value).DefaultTimeout();
            }

            return users;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_running).DefaultTimeout();
            _hosts.ForEach(h => h.Dispose());
            _clients.ForEach(c => c.Dispose());
            _stop.Dispose();
        }
    }

    // Every item user u rated, training and held out.
    private static HashSet<string> Rated(RatingsData data, int user) =>
        [.. Enumerable.Range(0, data.Count).Where(r => data.Users[r] == user).Select(r => data.ItemIds[data.Items[r]])];

    // Every user rates 6 to 10 of the items, with ratings from a fixed formula (no two users alike).
    private static string SmallRatings()
    {
        var text = new StringBuilder("userId,movieId,rating\n");
        for (var u = 0; u < Users; u++)
        {
            for (var j = 0; j < 6 + (u % 5); j++)
            {
                var item = ((u * 7) + (j * 3)) % Items;
                var rating = 1 + ((u + (2 * item)) % 5);
                text.Append(CultureInfo.InvariantCulture, $"u{u},i{item},{rating}\n");
            }
        }

        return text.ToString();
    }
}
