using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Robust;
using Causeway.Federation.Simulation;

namespace Causeway.Federation.Tests.Horizontal.Robust;

public sealed class RobustSimulationTests
{
    private static readonly SimulationData Data =
        new(Synthetic.Logistic(2000, 10, seed: 1), Synthetic.Logistic(1000, 10, seed: 2), LearningTask.BinaryClassification, 1);

    private static Task<RunResult> RunAsync(string aggregation, string attack)
    {
        var config = RunConfig.Parse(
            $$"""
            { "seed": 11, "rounds": 10,
              "training": { "epochs": 2, "batchSize": 16, "learningRate": 0.2 },
              "partition": { "parties": 10, "scheme": "iid" },
              "evaluation": { "everyRounds": 0 }
              {{aggregation}} {{attack}} }
            """,
            "robust.json");
        return new Simulator().RunAsync(config, Data, null, CancellationToken.None);
    }

    [Theory]
    [InlineData("\"rule\": \"median\"")]
    [InlineData("\"rule\": \"trimmed-mean\", \"trim\": 0.3")]
    [InlineData("\"rule\": \"krum\", \"byzantine\": 3")]
    [InlineData("\"rule\": \"multi-krum\", \"byzantine\": 3")]
    public async Task RunAsync_ThirtyPercentScaledAttackers_WreckMeanButNotRobustRule(string rule)
    {
        const string Attack = """, "attack": { "kind": "scale", "fraction": 0.3, "factor": -10 }""";
        var honest = (await RunAsync(string.Empty, string.Empty)).Final!.Accuracy!.Value;
        var attackedMean = (await RunAsync(string.Empty, Attack)).Final!.Accuracy!.Value;

        var defended = await RunAsync($$""", "aggregation": { {{rule}} }""", Attack);

        Assert.True(honest > 0.9, $"honest accuracy {honest}");
        Assert.True(attackedMean < honest - 0.2, $"attacked mean accuracy {attackedMean}, honest {honest}");
        Assert.All(defended.Rounds, r => Assert.True(r.Succeeded));
        Assert.True(defended.Final!.Accuracy > honest - 0.03, $"{rule}: accuracy {defended.Final.Accuracy}, honest {honest}");
    }

    [Theory]
    [InlineData("\"kind\": \"label-flip\"")]
    [InlineData("\"kind\": \"random\", \"sigma\": 5")]
    public async Task RunAsync_SameSeedWithAttack_BitIdentical(string kind)
    {
        var attack = $$""", "attack": { {{kind}}, "fraction": 0.3 }""";

        var first = await RunAsync(string.Empty, attack);
        var second = await RunAsync(string.Empty, attack);
        var honest = await RunAsync(string.Empty, string.Empty);

        Assert.Equal(first.Global.Values.ToArray(), second.Global.Values.ToArray());
        Assert.NotEqual(honest.Global.Values.ToArray(), first.Global.Values.ToArray());
    }

    [Fact]
    public async Task TrainAsync_ScaleAndRandomAttackers_ReplaceOnlyMaliciousDeltas()
    {
        var layout = TestData.Layout();
        var honest = FakeChannel.Constant(0.5f);
        var malicious = new HashSet<PartyId> { TestData.Party(1) };
        var scale = new AttackingPartyChannel(honest, malicious, new AttackOptions { Kind = AttackKind.Scale, Factor = -10 });
        var random = new AttackingPartyChannel(honest, malicious, new AttackOptions { Kind = AttackKind.Random, Sigma = 2 });
        var task = new TrainTask(TestData.Round(), new ParameterSet(layout), new(), Seed: 9);

        var good = (await scale.TrainAsync(TestData.Party(0), task, CancellationToken.None)).Update!;
        var scaled = (await scale.TrainAsync(TestData.Party(1), task, CancellationToken.None)).Update!;
        var noise = (await random.TrainAsync(TestData.Party(1), task, CancellationToken.None)).Update!;
        var again = (await random.TrainAsync(TestData.Party(1), task, CancellationToken.None)).Update!;

        Assert.All(good.Delta.Values.ToArray(), v => Assert.Equal(0.5f, v));
        Assert.All(scaled.Delta.Values.ToArray(), v => Assert.Equal(-5f, v));
        Assert.Equal(10, scaled.Examples);
        Assert.Equal(noise.Delta.Values.ToArray(), again.Delta.Values.ToArray());
        Assert.Equal(layout.TotalLength, noise.Delta.Values.ToArray().Distinct().Count());
        Assert.All(noise.Delta.Values.ToArray(), v => Assert.InRange(v, -12f, 12f));
    }

    [Fact]
    public void ChooseMalicious_ThirtyPercentOfTen_ChoosesThreeDeterministically()
    {
        var parties = TestData.Parties(10);
        var attack = new AttackOptions { Fraction = 0.3 };

        var first = Attacks.ChooseMalicious(parties, attack, seed: 7);
        var again = Attacks.ChooseMalicious(parties, attack, seed: 7);

        Assert.Equal(3, first.Count);
        Assert.Equal(first.Select(p => p.Value).Order(), again.Select(p => p.Value).Order());
        Assert.All(first, p => Assert.Contains(p, parties));
    }

    [Fact]
    public void FlipLabels_BinaryAndMulticlass_MirrorsTheClasses()
    {
        var data = new Core.Data.TabularData([0f, 0f, 0f], [0f, 1f, 2f], 1);

        Assert.Equal([2f, 1f, 0f], Attacks.FlipLabels(data, classes: 3).Labels);
        Assert.Equal([1f, 0f, -1f], Attacks.FlipLabels(data, classes: 2).Labels);
        Assert.Equal([-0f, -1f, -2f], Attacks.FlipLabels(data, classes: 0).Labels);
    }
}
