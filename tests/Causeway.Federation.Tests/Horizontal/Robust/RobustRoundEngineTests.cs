using Causeway.Core.Tensors;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Tests.Horizontal.Robust;

public sealed class RobustRoundEngineTests
{
    private static readonly ParameterLayout Layout = TestData.Layout();

    private static FakeChannel Scripted(Func<int, float> value) => new((party, task, _) =>
    {
        var i = Enumerable.Range(0, 100).First(k => TestData.Party(k) == party);
        var delta = new ParameterSet(task.Global.Layout);
        delta.Values.Fill(value(i));
        return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 10, 0.5)));
    });

    [Fact]
    public async Task RunAsync_KrumWithTooFewUpdates_FailsTheRoundWithReason()
    {
        var strategy = Strategy.Create(new StrategyOptions { Aggregation = new AggregationOptions { Rule = AggregationRule.Krum, Byzantine = 1 } });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = strategy, Rounds = 2 });
        var initial = new ParameterSet(Layout);

        var result = await engine.RunAsync(initial, TestData.Parties(4), Scripted(i => i), null, null, null, CancellationToken.None);

        Assert.All(result.Rounds, r => Assert.False(r.Succeeded));
        Assert.All(result.Rounds, r => Assert.Equal(4, r.Participants));
        Assert.Equal("krum with byzantine = 1 needs more than 2f + 2 = 4 updates, but 4 were accepted", result.Rounds[0].Problem);
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public async Task RunAsync_MedianWithServerMomentum_StepsWithTheMedianAsPseudoGradient()
    {
        var strategy = Strategy.Create(new StrategyOptions
        {
            Kind = StrategyKind.FedAvgM,
            ServerMomentum = 0.5f,
            Aggregation = new AggregationOptions { Rule = AggregationRule.Median },
        });
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = strategy, Rounds = 2 });

        // Four honest parties send 1, 2, 3, 4; one attacker sends 1000: the median is 3.
        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(5), Scripted(i => i == 2 ? 1000f : i < 2 ? i + 1 : i), null, null, null, CancellationToken.None);

        Assert.All(result.Rounds, r => Assert.True(r.Succeeded));
        Assert.All(result.Rounds, r => Assert.Null(r.Problem));

        // Momentum: v1 = 3, w1 = 3; v2 = 0.5·3 + 3 = 4.5, w2 = 7.5.
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(7.5f, v, 1e-5f));
    }

    [Fact]
    public async Task RunAsync_TooFewForMinResults_ReportsMinResultsProblem()
    {
        var engine = new RoundEngine(new RoundEngineOptions { Strategy = TestData.FedAvg(), Rounds = 1, MinResults = 3 });

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(2), Scripted(i => i), null, null, null, CancellationToken.None);

        Assert.Equal("2 updates accepted; the round needs at least 3", Assert.Single(result.Rounds).Problem);
    }
}
