using Causeway.Core.Metrics;
using Causeway.Federation.Tests.Vertical.Data;
using Causeway.Federation.Vertical.Data;
using Causeway.Federation.Transfer;
using Causeway.Federation.Vertical.Network;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Psi;
using Xunit.Abstractions;

namespace Causeway.Federation.Tests.Vertical.Network;

/// <summary>
/// Vertical jobs driven step by step over an in-process channel (the same driver and party code the coordinator and
/// <c>causeway party</c> run over the network): PSI on the churn parties' IDs, vertical training, held-out scoring.
/// </summary>
public sealed class VerticalJobTests(ITestOutputHelper output)
{
    private const int Intersection = 5503;

    [Fact]
    public async Task Run_ChurnPlainExactLoss_AlignsAndMatchesTheCentralizedModelOnTheJoinedColumns()
    {
        // Arrange
        var config = Config("""{ "loss": "logistic", "encryption": "none", "epochs": 5, "batchSize": 128, "learningRate": 0.15 }""");
        var tables = ChurnParties.Names.Select(Load).ToArray();

        // Act
        var result = await RunAsync(config, tables);

        // Assert: the intersection every party learned, and scores within 0.5 points of the centralized model.
        Assert.Equal(Intersection, result.Alignment.Intersection);
        Assert.Equal([Intersection, Intersection], result.Alignment.HostIntersections);
        Assert.Equal([6487L, 6503L], result.Alignment.HostIds);
        var training = result.Training!;
        Assert.Equal(Intersection, training.TrainRows + training.TestRows);
        Assert.Equal([12, 8, 26], training.Features);
        var centralized = Centralized(tables, config);
        output.WriteLine($"vertical {training.Evaluation}; centralized {centralized}");
        Assert.Equal(centralized.Rows, training.Evaluation.Rows);
        Assert.InRange(training.Evaluation.Accuracy, 0.75, 0.9);
        Assert.InRange(training.Evaluation.Accuracy - centralized.Accuracy, -0.005, 0.005);
        Assert.InRange(training.Evaluation.Auc - centralized.Auc, -0.005, 0.005);
    }

    [Fact]
    public async Task ScoreAsync_AfterTraining_ScoresIdsByLookupLikeTheHeldOutEvaluationAndNaNWhereAPartyLacksTheId()
    {
        // Arrange
        var config = Config("""{ "loss": "logistic", "encryption": "none", "epochs": 2 }""");
        var tables = ChurnParties.Names.Select(Load).ToArray();
        using var federation = new LocalParties(tables, scoring: true);
        var job = new VerticalJob("job-score", config, federation.Channel);
        var result = await job.RunAsync(CancellationToken.None);
        var (_, test) = AlignedSplit(tables, config);
        var guestOnly = tables[0].Ids.First(id => !tables[1].TryFindRow(id, out _) || !tables[2].TryFindRow(id, out _));

        // Act: the held-out IDs in reverse order (lookup, not position), one ID the guest holds but not both hosts, one nobody holds.
        var predictions = await job.ScoreAsync([.. Enumerable.Reverse(test), guestOnly, "no-such-customer"], CancellationToken.None);

        // Assert
        var labels = tables[0].AlignLabels([.. Enumerable.Reverse(test)]);
        var probabilities = predictions.Take(test.Count).Select(p => (float)p).ToArray();
        Assert.Equal(result.Training!.Evaluation.Accuracy, ClassificationMetrics.Accuracy(probabilities, labels));
        Assert.Equal(result.Training.Evaluation.Auc, ClassificationMetrics.RocAuc(probabilities, labels), 12);
        Assert.True(double.IsNaN(predictions[^2]));
        Assert.True(double.IsNaN(predictions[^1]));
    }

    [Fact]
    public async Task ScoreAsync_PartiesThatDidNotAllowScoring_RefuseAndNameTheSwitch()
    {
        var config = Config("""{ "loss": "logistic", "encryption": "none", "epochs": 1 }""");
        var tables = ChurnParties.Names.Select(Load).ToArray();
        using var federation = new LocalParties(tables);
        var job = new VerticalJob("job-no-score", config, federation.Channel);
        await job.RunAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<VerticalJobException>(() => job.ScoreAsync([tables[0].Ids[0]], CancellationToken.None));

        Assert.Contains("--vertical-scoring", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StepsLostBeforeOrAfterThePartyTookThem_AreResentAndGiveTheSameResult()
    {
        // Arrange: every 7th step's answer is lost after the party took it, every 11th step is lost before.
        var config = Config("""{ "loss": "logistic", "encryption": "none", "epochs": 2 }""");
        var tables = ChurnParties.Names.Select(Load).ToArray();
        var reference = await RunAsync(config, tables);
        using var federation = new LocalParties(tables);
        var exchanges = 0;
        var lostAfter = 0;
        var local = federation.Channel;
        var lossy = new LossyChannel(async (party, step, ct) =>
        {
            var n = Interlocked.Increment(ref exchanges);
            if (n % 11 == 0)
            {
                return ProtocolStepReply.Lost("the party is not connected");
            }

            var reply = await local.ExchangeAsync(party, step, ct);
            if (n % 7 == 0)
            {
                Interlocked.Increment(ref lostAfter);
                return ProtocolStepReply.Lost("the party's session ended");
            }

            return reply;
        });

        // Act
        var result = await new VerticalJob("job-lossy", config, lossy).RunAsync(CancellationToken.None);

        // Assert: nothing taken twice (a repeated PSI push or gradient step would change the result).
        Assert.True(lostAfter > 10, $"only {lostAfter} answers were lost");
        Assert.Equal(0, reference.ResentSteps);
        Assert.True(result.ResentSteps >= lostAfter, $"{result.ResentSteps} re-sent, {lostAfter} answers lost");
        Assert.Equal(reference.Alignment.Intersection, result.Alignment.Intersection);
        Assert.Equal(reference.Training!.Evaluation, result.Training!.Evaluation);
    }

    [Fact]
    public async Task Run_SplitNetwork_EqualsTheInMemorySplitNetworkOnTheAlignedRows()
    {
        // Arrange
        var config = VerticalJobConfig.Parse(
            """{ "guest": "telecom", "hosts": ["payments", "usage"], "splitNetwork": { "hidden": [8], "embedding": 4, "topHidden": 8, "epochs": 3, "batchSize": 128 }, "holdout": { "fraction": 0.3, "seed": 42 } }""",
            "test");
        var tables = ChurnParties.Names.Select(Load).ToArray();

        // Act
        var result = await RunAsync(config, tables);

        // Assert: the same network trained in one process on the same aligned rows scores identically.
        var (train, test) = AlignedSplit(tables, config);
        var model = SplitNetworkTraining.Create([.. tables.Select(t => t.Align(train))], tables[0].AlignLabels(train), config.SplitNetwork!).Train();
        var probabilities = model.Predict([.. tables.Select(t => t.Align(test))]).Select(p => (float)p).ToArray();
        var labels = tables[0].AlignLabels(test);
        Assert.Equal([12, 8, 26], result.Training!.Features);
        Assert.Equal(ClassificationMetrics.Accuracy(probabilities, labels), result.Training.Evaluation.Accuracy);
        Assert.Equal(ClassificationMetrics.RocAuc(probabilities, labels), result.Training.Evaluation.Auc);
        Assert.InRange(result.Training.Evaluation.Auc, 0.75, 0.95);
    }

    [Fact]
    public async Task Run_LinearRegression_ReportsTheRmseOfTheCentralizedModel()
    {
        // Vertical linear regression (squared loss) of the 0/1 churn label: RMSE of the held-out predictions.
        var config = Config("""{ "loss": "squared", "encryption": "none", "epochs": 3, "batchSize": 128, "learningRate": 0.05 }""");
        var tables = ChurnParties.Names.Select(Load).ToArray();

        var result = await RunAsync(config, tables);

        var (train, test) = AlignedSplit(tables, config);
        var model = new HeteroLinearTraining(Joined(tables, train), tables[0].AlignLabels(train), [], config.Training!, null).Train();
        var predictions = model.Predict(Joined(tables, test), []);
        var labels = tables[0].AlignLabels(test);
        var rmse = Math.Sqrt(predictions.Select((p, i) => (p - labels[i]) * (p - labels[i])).Average());
        Assert.Equal(rmse, result.Training!.Evaluation.Loss, 9);
        Assert.InRange(rmse, 0.3, 0.45);
        Assert.Equal(0, result.Training.Evaluation.Accuracy);
    }

    [Fact]
    public async Task Run_Twice_GivesTheSameModelScores()
    {
        var config = Config("""{ "loss": "taylor-logistic", "encryption": "none", "epochs": 2 }""");
        var tables = ChurnParties.Names.Select(Load).ToArray();

        var first = await RunAsync(config, tables);
        var second = await RunAsync(config, tables);

        Assert.Equal(first.Training!.Evaluation, second.Training!.Evaluation);
    }

    [Theory]
    [InlineData("arbiter")]
    [InlineData("two-party")]
    public async Task Run_Encrypted_EqualsThePlainRunUpToFixedPointAndCiphertextsAreAllThatCrosses(string encryption)
    {
        // Arrange: 120 customers, so that 2048-bit Paillier stays quick.
        var twoParty = encryption == "two-party";
        var parties = twoParty ? ChurnParties.Names[..2] : ChurnParties.Names;
        using var work = new TempDirectory();
        var tables = parties.Select(p => Subset(p, 120, work.Path)).ToArray();
        var loss = twoParty ? "logistic" : "taylor-logistic";
        var encrypted = Config($$"""{ "loss": "{{loss}}", "encryption": "{{encryption}}", "epochs": 2, "batchSize": 32 }""", hosts: parties.Length - 1, arbiter: !twoParty);
        var plain = Config($$"""{ "loss": "{{loss}}", "encryption": "none", "epochs": 2, "batchSize": 32 }""", hosts: parties.Length - 1);
        var received = new List<(PartyId Party, ProtocolStep Step)>();

        // Act
        var secure = await RunAsync(encrypted, tables, (party, step, _) => { lock (received) { received.Add((party, step)); } });
        var reference = await RunAsync(plain, tables);

        // Assert: the same model up to the 2^-16 feature quantisation.
        Assert.Equal(reference.Training!.Evaluation.Rows, secure.Training!.Evaluation.Rows);
        Assert.Equal(reference.Training.Evaluation.Loss, secure.Training.Evaluation.Loss, 3);
        Assert.Equal(reference.Training.Evaluation.Auc, secure.Training.Evaluation.Auc, 2);

        // What crossed: hosts never receive a plain value during training; with an arbiter, neither does the guest
        // (scores arrive encrypted) nor the arbiter (only masked, encrypted gradients).
        var training = received.Where(r => r.Step.Request is LinearBatchStep { Kind: not (LinearStepKind.HoldoutScores or LinearStepKind.Evaluate) }).ToList();
        Assert.NotEmpty(training);
        var toHosts = training.Where(r => parties[1..].Contains(r.Party.Value)).SelectMany(r => ((LinearBatchStep)r.Step.Request).Inputs).ToList();
        Assert.NotEmpty(toHosts);
        Assert.All(toHosts, v => Assert.Null(v.Plain));
        if (!twoParty)
        {
            Assert.All(training.Where(r => r.Party.Value == "telecom").SelectMany(r => ((LinearBatchStep)r.Step.Request).Inputs), v => Assert.Null(v.Plain));
            var toArbiter = training.Where(r => r.Party.Value == "auditor").Select(r => (LinearBatchStep)r.Step.Request).ToList();
            Assert.NotEmpty(toArbiter);
            Assert.All(toArbiter, s => Assert.Equal(LinearStepKind.Decrypt, s.Kind));
            Assert.All(toArbiter.SelectMany(s => s.Inputs), v => Assert.Equal(LinearValuesKind.MaskedGradient, v.Kind));
        }
    }

    [Fact]
    public async Task Run_PsiOnly_HostsLearnNothingInRevealToGuestMode()
    {
        var config = VerticalJobConfig.Parse("""{ "guest": "telecom", "hosts": ["payments", "usage"], "psi": { "mode": "reveal-to-guest" } }""", "test");
        var tables = ChurnParties.Names.Select(Load).ToArray();

        var result = await RunAsync(config, tables);

        Assert.Equal(Intersection, result.Alignment.Intersection);
        Assert.Equal([null, null], result.Alignment.HostIntersections);
        Assert.Null(result.Training);
    }

    [Fact]
    public async Task Run_TrainingBeforeAlignmentAtAParty_FailsNamingThePartyAndStep()
    {
        // A party restarted between PSI and training has lost the job: the step fails with the party's reason.
        var config = Config("""{ "loss": "logistic", "encryption": "none", "epochs": 1 }""");
        var tables = ChurnParties.Names.Select(Load).ToArray();
        using var federation = new LocalParties(tables);
        using var restarted = new VerticalParty(tables[2], federation.WorkDirectory);
        using var usage = federation.Parties[new PartyId("usage")];
        var channel = new VerticalLocalChannel(federation.Parties)
        {
            Exchanged = (party, step, _) =>
            {
                if (step.Request is PsiPush { Batch.Stream: Federation.Vertical.Alignment.PsiStream.Result } && party.Value == "usage")
                {
                    federation.Parties[party] = restarted;
                }
            },
        };

        var error = await Assert.ThrowsAsync<VerticalJobException>(() => new VerticalJob("job-restart", config, channel).RunAsync(CancellationToken.None));

        Assert.Contains("'usage'", error.Message, StringComparison.Ordinal);
        Assert.Contains("linear-open", error.Message, StringComparison.Ordinal);
        Assert.Contains("not open at this party", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SameJobIdTwiceOnTheSameParties_TheSecondRunStartsAfresh()
    {
        var config = Config("""{ "loss": "logistic", "encryption": "none", "epochs": 1 }""");
        var tables = ChurnParties.Names.Select(Load).ToArray();
        using var federation = new LocalParties(tables);

        var first = await new VerticalJob("same-id", config, federation.Channel).RunAsync(CancellationToken.None);
        var second = await new VerticalJob("same-id", config, federation.Channel).RunAsync(CancellationToken.None);

        Assert.Equal(0, second.ResentSteps);
        Assert.Equal(first.Alignment.Intersection, second.Alignment.Intersection);
        Assert.Equal(first.Training!.Evaluation, second.Training!.Evaluation);
    }

    [Fact]
    public async Task Run_Transfer_TrainsTheModelOfTheInProcessTrainer_AndTheSourceScoresTheTargetsHeldOutRows()
    {
        // Arrange: the telecom (source, with the churn label) and payments (target) tables of the same 120 customers.
        using var work = new TempDirectory();
        var tables = ChurnParties.Names[..2].Select(p => Subset(p, 120, work.Path)).ToArray();
        var config = VerticalJobConfig.Parse(
            """{ "guest": "telecom", "hosts": ["payments"], "transfer": { "dimension": 2, "epochs": 8, "learningRate": 0.5, "seed": 5 }, "holdout": { "fraction": 0.3, "seed": 42 } }""",
            "test");
        var steps = new List<string>();

        // Act
        var result = await RunAsync(config, tables, (party, step, _) => steps.Add($"{party}:{step.Request.Name}"));

        // Assert: FederatedTransfer on the same overlap, in the clear, scores the target's held-out rows the same.
        var (train, test) = AlignedSplit(tables, config);
        var overlap = tables[0].RowsOf(train).Zip(tables[1].RowsOf(train)).ToList();
        var model = FederatedTransfer.Train(tables[0].Features, tables[0].Labels, tables[1].Features, overlap, config.Transfer! with { Protected = false });
        var expected = HeldOutScores.OfProbabilities(model.Predict(tables[1].Align(test)).Select(p => (double)p), tables[0].AlignLabels(test));
        Assert.Equal((train.Count, test.Count), (result.Training!.TrainRows, result.Training.TestRows));
        Assert.Equal(expected.Accuracy, result.Training.Evaluation.Accuracy);
        Assert.Equal(expected.Auc, result.Training.Evaluation.Auc, 6);
        Assert.Equal(expected.Loss, result.Training.Evaluation.Loss, 4);
        Assert.InRange(result.Training.Evaluation.Auc, 0.6, 1.0);

        // Seven relayed steps per training step, alternating source and target, then the scoring.
        string[] step = ["telecom:transfer-sourceterms", "payments:transfer-targetmasked", "telecom:transfer-sourcedecrypt", "payments:transfer-targetunmask",
            "telecom:transfer-sourcemasked", "payments:transfer-targetdecrypt", "telecom:transfer-sourcestep"];
        Assert.Equal([.. Enumerable.Repeat(step, 8).SelectMany(s => s), "payments:transfer-targetscore", "telecom:transfer-sourceevaluate"], steps.SkipWhile(s => !s.EndsWith("transfer-sourceterms", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_DivergingEncryptedModel_FailsTheJobWithoutTheValueAndThePartyGoesOn()
    {
        // Arrange: a learning rate that makes the scores explode, so the host cannot encode them for encryption.
        using var work = new TempDirectory();
        var tables = ChurnParties.Names[..2].Select(p => Subset(p, 120, work.Path)).ToArray();
        var diverging = Config("""{ "loss": "taylor-logistic", "encryption": "arbiter", "epochs": 3, "batchSize": 32, "learningRate": 1e14 }""", hosts: 1, arbiter: true);
        using var federation = new LocalParties(tables, arbiter: true);

        // Act
        var error = await Assert.ThrowsAsync<VerticalJobException>(() => new VerticalJob("diverging", diverging, federation.Channel).RunAsync(CancellationToken.None));
        var after = await new VerticalJob("after", Config("""{ "loss": "logistic", "encryption": "none", "epochs": 1, "batchSize": 32 }""", hosts: 1), federation.Channel)
            .RunAsync(CancellationToken.None);

        // Assert
        Assert.Contains("diverged", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Actual value", error.Message, StringComparison.Ordinal);
        Assert.True(after.Training!.Evaluation.Rows > 0);
    }

    [Fact]
    public async Task Run_OneStepFails_TheJobFailsWithItsReasonAndCancelsTheOtherOpenSteps()
    {
        // Arrange: usage refuses to open PSI while payments never answers its open.
        var config = VerticalJobConfig.Parse("""{ "guest": "telecom", "hosts": ["payments", "usage"] }""", "test");
        var hanging = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var channel = new LossyChannel(async (party, step, ct) =>
        {
            switch (party.Value)
            {
                case "usage":
                    return ProtocolStepReply.Failed("the party reported: boom");
                case "payments":
                    try
                    {
                        await Task.Delay(Timeout.Infinite, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        hanging.TrySetResult(true);
                        throw;
                    }

                    return ProtocolStepReply.Failed("unreachable");
                default:
                    return ProtocolStepReply.Success(new PsiReply([], 10, null));
            }
        });

        // Act: the step timeout is 600 s; the guard only keeps a broken build from hanging the suite.
        var error = await Assert.ThrowsAsync<VerticalJobException>(() => new VerticalJob("abort", config, channel).RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60)));

        // Assert
        Assert.Equal("Party 'usage' failed psi-open: the party reported: boom", error.Message);
        Assert.True(await hanging.Task.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Handle_BadStepsAtAParty_AreRefusedWithAReason()
    {
        using var work = new TempDirectory();
        using var party = new VerticalParty(Load("telecom"), work.Path);
        var step = (VerticalMessage request, int number) => party.Handle(new ProtocolStep(new RoundInfo("j", number, 0), request));

        // Only a party started as an arbiter holds keys.
        var arbiter = step(new LinearOpen("j", VerticalRole.Arbiter, -1, new HeteroLinearOptions(), 2048, null, 1, 0.3), 1);
        Assert.Contains("not an arbiter", arbiter.Failure, StringComparison.Ordinal);

        // The guest refuses a batch from a host that is not in the session.
        Assert.Null(step(new PsiOpen("j", -1, 1, new byte[32], Federation.Vertical.Alignment.AlignmentMode.RevealToAll, 1024), 2).Failure);
        var stray = step(new PsiPush("j", 5, new Federation.Vertical.Alignment.PsiBatch(Federation.Vertical.Alignment.PsiStream.GuestTags, 0, true, new byte[16])), 3);
        Assert.Contains("there is no host 5", stray.Failure, StringComparison.Ordinal);

        // Training before PSI finished.
        var early = step(new LinearOpen("j", VerticalRole.Guest, -1, new HeteroLinearOptions { Encryption = VerticalEncryption.None }, 2048, null, 1, 0.3), 4);
        Assert.Contains("needs a finished PSI", early.Failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "guest": "g", "hosts": [] }""", "at least one host")]
    [InlineData("""{ "guest": "g", "hosts": ["g"] }""", "distinct")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "arbiter": "a" }""", "arbiter takes part only")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "psi": { "mode": "reveal-to-guest" }, "training": {} }""", "reveal-to-all")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "training": { "encryption": "arbiter" } }""", "arbiter is named exactly")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "training": { "encryption": "none", "epochs": 0 } }""", "training: ")]
    [InlineData("""{ "guest": "g", "hosts": ["h", "i"], "training": { "encryption": "two-party", "loss": "logistic" } }""", "two-party works with one host")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "holdout": { "fraction": 1 } }""", "holdout.fraction")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "psi": { "batchSize": 0 } }""", "psi.batchSize")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "surprise": 1 }""", "surprise")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "training": { "encryption": "none" }, "splitNetwork": {} }""", "not both")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "splitNetwork": { "embedding": 0 } }""", "splitNetwork: ")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "training": { "encryption": "none" }, "holdout": { "fraction": 0 } }""", "holdout.fraction must lie in (0, 1)")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "keyBits": 1024 }""", "keyBits")]
    [InlineData("""{ "guest": "g", "hosts": ["h"], "stepTimeoutSeconds": 1e300 }""", "stepTimeoutSeconds")]
    public void Parse_BadJob_NamesTheSourceAndField(string json, string expected)
    {
        var error = Assert.Throws<VerticalConfigException>(() => VerticalJobConfig.Parse(json, "job.json"));

        Assert.StartsWith("job.json: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static VerticalJobConfig Config(string training, int hosts = 2, bool arbiter = false) => VerticalJobConfig.Parse(
        $$"""
        { "name": "churn", "guest": "telecom", "hosts": [{{string.Join(", ", ChurnParties.Names[1..(hosts + 1)].Select(h => $"\"{h}\""))}}],
          {{(arbiter ? "\"arbiter\": \"auditor\"," : string.Empty)}}
          "training": {{training}}, "holdout": { "fraction": 0.3, "seed": 42 } }
        """,
        "test");

    private static async Task<VerticalJobResult> RunAsync(VerticalJobConfig config, VerticalTable[] tables, Action<PartyId, ProtocolStep, ProtocolStepReply>? exchanged = null)
    {
        using var federation = new LocalParties(tables, arbiter: config.Arbiter is not null);
        var channel = new VerticalLocalChannel(federation.Parties) { Exchanged = exchanged };
        return await new VerticalJob($"job-{Guid.NewGuid():N}", config, channel).RunAsync(CancellationToken.None);
    }

    // The IDs all parties hold in the canonical order, split by the job's public holdout rule.
    private static (List<string> Train, List<string> Test) AlignedSplit(VerticalTable[] tables, VerticalJobConfig config)
    {
        var shared = tables.Skip(1).Aggregate(tables[0].Ids.ToHashSet(StringComparer.Ordinal), (set, t) => { set.IntersectWith(t.Ids); return set; });
        var order = VerticalTable.CanonicalOrder(shared, PsiIdOptions.Default);
        return ([.. order.Where(id => !VerticalHoldout.IsTest(id, config.Holdout.Seed, config.Holdout.Fraction))], [.. order.Where(id => VerticalHoldout.IsTest(id, config.Holdout.Seed, config.Holdout.Fraction))]);
    }

    // The centralized model: the same aligned rows and holdout with every party's columns side by side at one place.
    private static VerticalEvaluation Centralized(VerticalTable[] tables, VerticalJobConfig config)
    {
        var (train, test) = AlignedSplit(tables, config);
        var options = config.Training!;
        var model = new HeteroLinearTraining(Joined(tables, train), tables[0].AlignLabels(train), [], options, null).Train();
        var probabilities = model.Predict(Joined(tables, test), []).Select(p => (float)p).ToArray();
        var labels = tables[0].AlignLabels(test);
        return new VerticalEvaluation(test.Count, ClassificationMetrics.Accuracy(probabilities, labels), ClassificationMetrics.RocAuc(probabilities, labels), ClassificationMetrics.LogLoss(probabilities, labels));
    }

    private static VerticalPartyData Joined(VerticalTable[] tables, IReadOnlyList<string> ids)
    {
        var parts = tables.Select(t => t.Align(ids)).ToArray();
        var columns = parts.Sum(p => p.Columns);
        var features = new float[ids.Count * columns];
        for (var i = 0; i < ids.Count; i++)
        {
            var offset = i * columns;
            foreach (var part in parts)
            {
                part.Row(i).CopyTo(features.AsSpan(offset));
                offset += part.Columns;
            }
        }

        return new VerticalPartyData(features, ids.Count, columns);
    }

    private static VerticalTable Load(string party) => VerticalTable.Load(ChurnParties.Table(party), ChurnParties.Schema(party));

    // The party's rows for the first `customers` telecom customer IDs in ordinal order (every party keeps a subset of the same customers).
    private static VerticalTable Subset(string party, int customers, string folder)
    {
        var keep = Load("telecom").Ids.Order(StringComparer.Ordinal).Take(customers).ToHashSet(StringComparer.Ordinal);
        var lines = File.ReadAllLines(ChurnParties.Table(party));
        var path = System.IO.Path.Combine(folder, $"{party}.csv");
        File.WriteAllLines(path, [lines[0], .. lines.Skip(1).Where(line => keep.Contains(line[..line.IndexOf(',', StringComparison.Ordinal)]))]);
        return VerticalTable.Load(path, ChurnParties.Schema(party));
    }

    private sealed class LossyChannel(Func<PartyId, ProtocolStep, CancellationToken, Task<ProtocolStepReply>> exchange) : IStepChannel
    {
        public Task<ProtocolStepReply> ExchangeAsync(PartyId party, ProtocolStep step, CancellationToken cancellationToken) => exchange(party, step, cancellationToken);
    }

    // The churn parties (and the auditor arbiter) in this process, in their own work directory.
    private sealed class LocalParties : IDisposable
    {
        private readonly TempDirectory _work = new();

        public LocalParties(IReadOnlyList<VerticalTable> tables, bool arbiter = false, bool scoring = false)
        {
            for (var p = 0; p < tables.Count; p++)
            {
                Parties[new PartyId(ChurnParties.Names[p])] = new VerticalParty(tables[p], _work.Path, scoring: scoring);
            }

            if (arbiter)
            {
                Parties[new PartyId("auditor")] = new VerticalParty(null, _work.Path, arbiter: true);
            }

            Channel = new VerticalLocalChannel(Parties);
        }

        public Dictionary<PartyId, VerticalParty> Parties { get; } = [];

        public VerticalLocalChannel Channel { get; }

        public string WorkDirectory => _work.Path;

        public void Dispose()
        {
            foreach (var party in Parties.Values)
            {
                party.Dispose();
            }

            _work.Dispose();
        }
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("causeway-vjob-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
