using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Protection;
using Causeway.Federation.Simulation;

namespace Causeway.Federation.Tests.Horizontal.Protection;

/// <summary>
/// Protected rounds against plain rounds on the same data, seed and strategy: the model must agree within the
/// quantisation (secure aggregation) or fixed-point (Paillier) error, and every bad input must be a failure naming its party.
/// </summary>
public sealed class ProtectedRoundTests
{
    // 4 parties of exactly 200 rows: the example-weighted FedAvg mean equals the uniform mean protected rounds compute.
    private static SimulationData Data() =>
        new(Synthetic.Logistic(800, 10, seed: 1), Synthetic.Logistic(200, 10, seed: 2), LearningTask.BinaryClassification, 1);

    private static RunConfig Config(string strategy, string? protection) => RunConfig.Parse(
        $$"""
        { "name": "protected", "seed": 5, "rounds": 3, "strategy": { "name": "{{strategy}}" },
          "training": { "epochs": 1, "batchSize": 32, "learningRate": 0.1 },
          "partition": { "parties": 4, "scheme": "iid" }, "round": { "deadlineSeconds": 60 }
          {{(protection is null ? "" : $", \"protection\": {protection}")}} }
        """,
        "test.json");

    [Theory]
    [InlineData("fedavg", 1e-4)]
    [InlineData("fedadam", 1e-3)]
    public async Task Simulate_SecAgg_MatchesPlainRunWithinQuantisationError(string strategy, double tolerance)
    {
        var plain = await new Simulator().RunAsync(Config(strategy, null), Data(), null, CancellationToken.None);

        var secure = await new Simulator().RunAsync(Config(strategy, """{ "kind": "secagg", "threshold": 3 }"""), Data(), null, CancellationToken.None);

        Assert.All(secure.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        Assert.All(secure.Rounds, r => Assert.Equal(4, r.Participants));
        var difference = MaxDifference(plain.Global, secure.Global);
        Assert.True(difference < tolerance, $"max |plain − secagg| = {difference}");
        Assert.True(difference > 0, "quantisation leaves a trace: identical bits would mean the plain path ran");
        Assert.Equal(plain.Final!.Accuracy!.Value, secure.Final!.Accuracy!.Value, 2);
    }

    [Fact]
    public async Task Simulate_SecAggPlusAuthenticated_MatchesPlainRunWithinQuantisationError()
    {
        var config = Config("fedavg", null) with { Partition = Config("fedavg", null).Partition with { Parties = 40 } };
        var plain = await new Simulator().RunAsync(config, Data(), null, CancellationToken.None);

        var secure = await new Simulator().RunAsync(
            config with { Protection = new ProtectionConfig { Kind = ProtectionKind.SecAgg, Variant = "secagg+", DropoutRate = 0.05, CorruptionRate = 0, Authenticated = true } },
            Data(), null, CancellationToken.None);

        Assert.All(secure.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        Assert.All(secure.Rounds, r => Assert.Equal(40, r.Participants));
        var difference = MaxDifference(plain.Global, secure.Global);
        Assert.True(difference is > 0 and < 1e-4, $"max |plain − secagg+| = {difference}");
    }

    [Fact]
    public async Task SecAggPlus_EachPartyHearsOnlyItsNeighbourhood()
    {
        var (trainers, spec) = Trainers([.. Enumerable.Repeat(20, 40)]);
        using var inner = new InMemoryPartyChannel(trainers);
        var channel = new EditingChannel(inner);
        var protection = new SecureAggregationProtection(null, Privacy.SecureAggregation.FixedPointQuantization.Default)
        {
            Variant = Privacy.SecureAggregation.SecureAggregationVariant.SecAggPlus,
            DropoutRate = 0.05,
            CorruptionRate = 0,
        };
        var degree = protection.OptionsFor("s", 40, Length(spec)).Options!.Degree!.Value;

        var result = await RunAsync(trainers, spec, channel, protection, rounds: 1, inner.CertificateOf);

        Assert.True(Assert.Single(result.Rounds).Succeeded, result.Rounds[0].Problem);
        Assert.True(degree < 39, $"k = {degree}");
        // Round 1: each party gets the keys of its neighbourhood only; unmasking asks each about its neighbourhood only.
        var directories = channel.Exchanges.Select(e => e.Request).OfType<SecureAggregationShareKeys>().ToList();
        Assert.Equal(40, directories.Count);
        Assert.All(directories, d => Assert.Equal(degree + 1, d.Directory.Keys.Count));
        var unmasks = channel.Exchanges.Select(e => e.Request).OfType<SecureAggregationUnmask>().ToList();
        Assert.Equal(40, unmasks.Count);
        Assert.All(unmasks, u => Assert.Equal(degree + 1, u.Request.Survivors.Count));
        Assert.Equal(40, channel.Exchanges.Count(e => e.Request is SecureAggregationUnmask && e.Reply.Reply is SecureAggregationUnmasked));
    }

    [Fact]
    public async Task SecAggAuthenticated_CoordinatorChangesTheSurvivorsAfterTheySigned_PartiesRefuseNamingTheLie()
    {
        var (trainers, spec) = Trainers([.. Enumerable.Repeat(20, 12)]);
        using var inner = new InMemoryPartyChannel(trainers);
        var lied = new HashSet<PartyId>(trainers.Take(3).Select(t => t.Party));
        var channel = new EditingChannel(inner)
        {
            // At unmasking, the coordinator tells three parties that the last party dropped, after all had signed that it survived.
            EditStep = (p, s) => !lied.Contains(p) || s.Request is not SecureAggregationUnmask { Request: var request }
                ? s
                : s with { Request = new SecureAggregationUnmask(request with { Survivors = [.. request.Survivors.Where(i => i != 11)] }) },
        };
        var protection = new SecureAggregationProtection(null, Privacy.SecureAggregation.FixedPointQuantization.Default) { Authenticated = true, CorruptionRate = 0 };

        var result = await RunAsync(trainers, spec, channel, protection, rounds: 1, inner.CertificateOf);

        var refusals = channel.Exchanges.Where(e => e.Request is SecureAggregationUnmask && e.Reply.Failure is not null).ToList();
        Assert.Equal(lied, refusals.Select(r => r.Party).ToHashSet());
        Assert.All(refusals, r => Assert.Contains("changed the survivor list between the consistency round and unmasking", r.Reply.Failure, StringComparison.Ordinal));
        // The liars revealed nothing: no c_sk-share of party 11 left any party.
        Assert.DoesNotContain(
            channel.Exchanges.Select(e => e.Reply.Reply).OfType<SecureAggregationUnmasked>().SelectMany(u => u.Response.Shares),
            s => s.Owner == 11 && s.Kind == Privacy.SecureAggregation.SecretKind.MaskPrivateKey);
        // The honest remainder still unmasks the round.
        Assert.True(Assert.Single(result.Rounds).Succeeded, result.Rounds[0].Problem);
    }

    [Fact]
    public async Task Simulate_Paillier_MatchesPlainRunWithinFixedPointError()
    {
        var plain = await new Simulator().RunAsync(Config("fedavg", null), Data(), null, CancellationToken.None);

        var encrypted = await new Simulator().RunAsync(
            Config("fedavg", """{ "kind": "paillier", "keyHolder": "party-0002", "keyBits": 2048 }"""), Data(), null, CancellationToken.None);

        Assert.All(encrypted.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        Assert.All(encrypted.Rounds, r => Assert.Equal(4, r.Participants));
        var difference = MaxDifference(plain.Global, encrypted.Global);
        Assert.True(difference < 1e-5, $"max |plain − paillier| = {difference}");
    }

    [Fact]
    public async Task SecAgg_PartyDiesAfterSendingItsMaskedInput_SumStillIncludesIt()
    {
        var (trainers, spec) = Trainers();
        var dead = trainers[1].Party;
        using var inner = new InMemoryPartyChannel(trainers);
        var channel = new EditingChannel(inner) { DiesAt = (p, s) => p == dead && s.Request is SecureAggregationUnmask };

        var plain = await RunAsync(trainers, spec, inner, null);
        var secure = await RunAsync(trainers, spec, channel, new SecureAggregationProtection(3, Privacy.SecureAggregation.FixedPointQuantization.Default));

        Assert.All(secure.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        Assert.All(secure.Rounds, r => Assert.Equal(4, r.Participants));
        Assert.Contains((dead, "secagg-unmask"), channel.Steps);
        Assert.True(MaxDifference(plain.Global, secure.Global) < 1e-4);
    }

    [Fact]
    public async Task SecAgg_PartyDiesAfterSharingKeys_RoundAveragesTheOthers()
    {
        var (trainers, spec) = Trainers();
        var dead = trainers[2].Party;
        using var inner = new InMemoryPartyChannel(trainers);
        var secureChannel = new EditingChannel(inner) { EditReply = (p, r) => p == dead ? Gone(p) : r };
        var plainChannel = new EditingChannel(inner) { EditReply = (p, r) => p == dead ? Gone(p) : r };

        var plain = await RunAsync(trainers, spec, plainChannel, null);
        var secure = await RunAsync(trainers, spec, secureChannel, new SecureAggregationProtection(3, Privacy.SecureAggregation.FixedPointQuantization.Default));

        Assert.All(secure.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        Assert.All(secure.Rounds, r => Assert.Equal(3, r.Participants));
        Assert.All(secure.Rounds, r => Assert.Equal(dead, Assert.Single(r.Failures).Party));
        Assert.True(MaxDifference(plain.Global, secure.Global) < 1e-4);
    }

    [Fact]
    public async Task SecAgg_MaskedVectorOfWrongLength_RejectedNamingTheParty()
    {
        var (trainers, spec) = Trainers();
        var cheat = trainers[0].Party;
        using var inner = new InMemoryPartyChannel(trainers);
        var channel = new EditingChannel(inner)
        {
            EditReply = (p, r) => p != cheat || r.Protected is not { Payload: SecureAggregationMasked masked } update ? r
                : PartyReply.Success(update with { Payload = new SecureAggregationMasked(masked.Input with { Values = masked.Input.Values[..^1] }) }),
        };

        var result = await RunAsync(trainers, spec, channel, new SecureAggregationProtection(3, Privacy.SecureAggregation.FixedPointQuantization.Default), rounds: 1);

        var round = Assert.Single(result.Rounds);
        var failure = Assert.Single(round.Failures);
        Assert.Equal(cheat, failure.Party);
        Assert.Equal(FailureKind.Rejected, failure.Kind);
        Assert.Contains($"has {Length(spec) - 1} elements; the model has {Length(spec)}", failure.Reason, StringComparison.Ordinal);
        Assert.True(round.Succeeded, round.Problem);
        Assert.Equal(3, round.Participants);
    }

    [Fact]
    public async Task SecAgg_TamperedMaskShare_RefusedByItsRecipientNamingTheSender()
    {
        var (trainers, spec) = Trainers();
        var victim = trainers[3].Party;
        using var inner = new InMemoryPartyChannel(trainers);
        var channel = new EditingChannel(inner)
        {
            EditTask = (p, t) =>
            {
                if (p != victim || t.Protection is not SecureAggregationMask { Delivery: var delivery } mask)
                {
                    return t;
                }

                var forged = delivery.Shares[0].Ciphertext.ToArray();
                forged[5] ^= 1;
                var shares = delivery.Shares.Select((s, i) => i == 0 ? s with { Ciphertext = forged } : s).ToList();
                return t with { Protection = mask with { Delivery = delivery with { Shares = shares } } };
            },
        };

        var result = await RunAsync(trainers, spec, channel, new SecureAggregationProtection(3, Privacy.SecureAggregation.FixedPointQuantization.Default), rounds: 1);

        var round = Assert.Single(result.Rounds);
        var failure = Assert.Single(round.Failures);
        Assert.Equal(victim, failure.Party);
        Assert.Contains("refused the share from party 0: it failed AES-GCM authentication", failure.Reason, StringComparison.Ordinal);
        Assert.True(round.Succeeded, round.Problem);
        Assert.Equal(3, round.Participants);
    }

    [Fact]
    public async Task Paillier_CiphertextOutOfRange_RejectedNamingTheParty()
    {
        var (trainers, spec) = Trainers();
        var cheat = trainers[1].Party;
        using var inner = new InMemoryPartyChannel(trainers);
        var channel = new EditingChannel(inner)
        {
            EditReply = (p, r) => p != cheat || r.Protected is not { Payload: PaillierCiphertexts encrypted } update ? r
                : PartyReply.Success(update with { Payload = encrypted with { Ciphertexts = [.. encrypted.Ciphertexts.Select(c => Enumerable.Repeat((byte)0xFF, c.Length).ToArray())] } }),
        };

        var result = await RunAsync(trainers, spec, channel, new PaillierProtection(trainers[0].Party, 2048), rounds: 1);

        var round = Assert.Single(result.Rounds);
        var failure = Assert.Single(round.Failures);
        Assert.Equal(cheat, failure.Party);
        Assert.Equal(FailureKind.Rejected, failure.Kind);
        Assert.Contains("ciphertext 0 is refused: The Paillier ciphertext is out of range", failure.Reason, StringComparison.Ordinal);
        Assert.True(round.Succeeded, round.Problem);
        Assert.Equal(3, round.Participants);
    }

    [Fact]
    public async Task SecAgg_PlainDeltaInAProtectedRound_Refused()
    {
        var (trainers, spec) = Trainers();
        var leaker = trainers[2].Party;
        using var inner = new InMemoryPartyChannel(trainers);
        var channel = new EditingChannel(inner) { EditTask = (p, t) => p == leaker ? t with { Protection = null } : t };

        var result = await RunAsync(trainers, spec, channel, new SecureAggregationProtection(3, Privacy.SecureAggregation.FixedPointQuantization.Default), rounds: 1);

        var failure = Assert.Single(Assert.Single(result.Rounds).Failures);
        Assert.Equal(leaker, failure.Party);
        Assert.Equal(FailureKind.Rejected, failure.Kind);
        Assert.Contains("plain delta", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecAgg_FewerSurvivorsThanThreshold_RoundFailsModelUnchanged()
    {
        var (trainers, spec) = Trainers();
        using var inner = new InMemoryPartyChannel(trainers);
        var channel = new EditingChannel(inner) { EditReply = (p, r) => p == trainers[0].Party || p == trainers[1].Party ? Gone(p) : r };
        var initial = new DenseNetwork(spec).Initialize(5);

        var result = await RunAsync(trainers, spec, channel, new SecureAggregationProtection(3, Privacy.SecureAggregation.FixedPointQuantization.Default), rounds: 1);

        var round = Assert.Single(result.Rounds);
        Assert.False(round.Succeeded);
        Assert.Contains("threshold", round.Problem, StringComparison.Ordinal);
        Assert.Equal(initial.Values.ToArray(), result.Global.Values.ToArray());
    }

    [Fact]
    public async Task Protected_UnequalParties_WithWeightCap_MatchExampleWeightedFedAvg()
    {
        // 100, 150, 250 and 300 rows: the uniform mean and FedAvg's example-weighted mean differ.
        var (trainers, spec) = Trainers([100, 150, 250, 300]);
        using var channel = new InMemoryPartyChannel(trainers);
        var plain = await RunAsync(trainers, spec, channel, null);

        var secure = await RunAsync(trainers, spec, channel, new SecureAggregationProtection(3, Privacy.SecureAggregation.FixedPointQuantization.Default, WeightCap: 1000));
        var encrypted = await RunAsync(trainers, spec, channel, new PaillierProtection(trainers[0].Party, 2048, WeightCap: 1000));
        var uniform = await RunAsync(trainers, spec, channel, new SecureAggregationProtection(3, Privacy.SecureAggregation.FixedPointQuantization.Default));

        Assert.True(MaxDifference(plain.Global, secure.Global) < 1e-4, $"secagg: {MaxDifference(plain.Global, secure.Global)}");
        Assert.True(MaxDifference(plain.Global, encrypted.Global) < 1e-5, $"paillier: {MaxDifference(plain.Global, encrypted.Global)}");
        Assert.True(MaxDifference(plain.Global, uniform.Global) > 1e-3, "without the cap the mean is uniform, not FedAvg's");
    }

    private static PartyReply Gone(PartyId party) => PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "gone"));

    private static (List<PartyTrainer> Trainers, ModelSpec Spec) Trainers(int[]? sizes = null)
    {
        sizes ??= [200, 200, 200, 200];
        var data = Data();
        var spec = new ModelSpec(LearningTask.BinaryClassification, 10, 1, [], 0);
        var trainers = sizes
            .Select((size, i) => new PartyTrainer(new PartyId($"party-{i + 1}"), spec, data.Train.Select([.. Enumerable.Range(sizes[..i].Sum(), size)])))
            .ToList();
        return (trainers, spec);
    }

    private static Task<RunResult> RunAsync(
        List<PartyTrainer> trainers, ModelSpec spec, IPartyChannel channel, IUpdateProtection? protection, int rounds = 2, Func<PartyId, byte[]?>? certificates = null)
    {
        var engine = new RoundEngine(new RoundEngineOptions
        {
            Strategy = TestData.FedAvg(),
            Plan = new Core.Training.TrainingPlan { Epochs = 1, BatchSize = 32, LearningRate = 0.1f },
            Rounds = rounds,
            Seed = 5,
            Deadline = TimeSpan.FromSeconds(60),
            FoldOrder = FoldOrder.Selection,
            Protection = protection,
            PartyCertificates = certificates,
        });
        return engine.RunAsync(new DenseNetwork(spec).Initialize(5), [.. trainers.Select(t => t.Party)], channel, null, null, null, CancellationToken.None);
    }

    private static int Length(ModelSpec spec) => DenseNetwork.CreateLayout(spec).TotalLength;

    private static double MaxDifference(ParameterSet a, ParameterSet b)
    {
        var max = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, Math.Abs(a.Values[i] - b.Values[i]));
        }

        return max;
    }
}
