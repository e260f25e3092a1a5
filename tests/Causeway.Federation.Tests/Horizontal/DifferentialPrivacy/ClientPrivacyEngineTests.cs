using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Horizontal.DifferentialPrivacy;
using Causeway.Privacy.Accounting;
using Causeway.Privacy.Mechanisms;

namespace Causeway.Federation.Tests.Horizontal.DifferentialPrivacy;

public sealed class ClientPrivacyEngineTests
{
    private static readonly ParameterLayout Layout = TestData.Layout();

    private static Strategy UniformFedAvg(double fraction = 1.0) =>
        Strategy.Create(new StrategyOptions { Fraction = fraction, Weighting = AggregationWeighting.Uniform });

    private static Func<NoiseSource> KeyedNoise(byte seed) => () => NoiseSource.FromKey(Enumerable.Repeat(seed, 32).ToArray());

    private static RoundEngineOptions Options(PrivacyOptions privacy, int rounds = 1, double fraction = 1.0) => new()
    {
        Strategy = UniformFedAvg(fraction),
        Rounds = rounds,
        Privacy = privacy,
        NoiseSource = KeyedNoise(7),
    };

    private static PrivacyOptions Central(double sigma, double clip, double? budget = null) => new()
    {
        Client = new ClientPrivacyOptions { NoiseMultiplier = sigma, ClipNorm = clip },
        EpsilonBudget = budget,
    };

    [Fact]
    public async Task CoordinatorNoise_SigmaZero_AveragesClippedUpdatesOverTheSelectedCount()
    {
        // Party 0 sends a delta of norm 3·√8 (clipped to 1), party 1 one of norm 0.05·√8 (kept); party 2 drops out.
        // DP-FedAvg divides the clipped sum by the 3 selected, not by the 2 that answered.
        var channel = new FakeChannel((party, task, _) =>
        {
            if (party == TestData.Party(2))
            {
                return Task.FromResult(PartyReply.Failed(new PartyFailure(party, FailureKind.Dropout, "gone")));
            }

            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill(party == TestData.Party(0) ? 3f : 0.05f);
            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, party == TestData.Party(0) ? 1000 : 1, 0.5)));
        });
        var engine = new RoundEngine(Options(Central(sigma: 0, clip: 1)));

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(3), channel, null, null, null, CancellationToken.None);

        var n = Layout.TotalLength;
        var clippedFirst = 1 / Math.Sqrt(n);
        var expected = (clippedFirst + 0.05) / 3;
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(expected, v, 1e-5));
        var privacy = Assert.Single(result.Rounds).Privacy!;
        Assert.Equal(1.0, privacy.ClipNorm);
        Assert.Equal(double.PositiveInfinity, privacy.ClientEpsilon);
    }

    [Fact]
    public async Task CoordinatorNoise_NoiseHasStandardDeviationSigmaClipOverSelected()
    {
        var layout = new ParameterLayout([new TensorSpec("w", [200_000])]);
        var channel = FakeChannel.Constant(0f);
        var engine = new RoundEngine(Options(Central(sigma: 1.5, clip: 2)));

        var result = await engine.RunAsync(new ParameterSet(layout), TestData.Parties(4), channel, null, null, null, CancellationToken.None);

        var values = result.Global.Values.ToArray();
        var mean = values.Average(v => (double)v);
        var std = Math.Sqrt(values.Average(v => ((double)v - mean) * ((double)v - mean)));
        Assert.Equal(0, mean, 0.005);
        Assert.Equal(1.5 * 2 / 4, std, 0.75 * 0.01);
    }

    [Fact]
    public async Task EveryRound_ReportsTheAccountantsEpsilon()
    {
        var engine = new RoundEngine(Options(Central(sigma: 1.1, clip: 1), rounds: 5, fraction: 0.5));

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(10), FakeChannel.Constant(0.01f), null, null, null, CancellationToken.None);

        var reference = new RdpAccountant(1e-5);
        foreach (var round in result.Rounds)
        {
            var expected = reference.Add(new SampledGaussianRound(1.1, 0.5)).Epsilon;
            Assert.Equal(expected, round.Privacy!.ClientEpsilon!.Value, 1e-12);
            Assert.Equal(0.5, round.Privacy.SamplingRate);
        }

        Assert.True(result.Rounds[^1].Privacy!.ClientEpsilon > result.Rounds[0].Privacy!.ClientEpsilon);
        Assert.Null(result.StoppedEarly);
    }

    [Fact]
    public async Task Budget_StopsBeforeTheRoundThatWouldExceedIt()
    {
        // ε after k rounds of (σ = 1, q = 1): find the budget that allows exactly 3 rounds.
        var reference = new RdpAccountant(1e-5);
        var epsilons = Enumerable.Range(0, 4).Select(_ => reference.Add(new SampledGaussianRound(1.0, 1.0)).Epsilon).ToArray();
        var budget = (epsilons[2] + epsilons[3]) / 2;
        var channel = FakeChannel.Constant(0.01f);
        var engine = new RoundEngine(Options(Central(sigma: 1.0, clip: 1, budget: budget), rounds: 10));

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(3), channel, null, null, null, CancellationToken.None);

        Assert.Equal(3, result.Rounds.Count);
        Assert.Equal(epsilons[2], result.Rounds[^1].Privacy!.ClientEpsilon!.Value, 1e-12);
        Assert.Contains("stopped before round 4", result.StoppedEarly, StringComparison.Ordinal);
        Assert.Contains("privacy budget", result.StoppedEarly, StringComparison.Ordinal);
        Assert.Equal(3 * 3, channel.Calls);
    }

    [Fact]
    public async Task Resume_ContinuesTheLedgerFromTheCheckpoint()
    {
        var observer = new RecordingObserver();
        var first = new RoundEngine(Options(Central(sigma: 0.8, clip: 1), rounds: 4) with { Rounds = 4 });
        var whole = await first.RunAsync(new ParameterSet(Layout), TestData.Parties(2), FakeChannel.Constant(0.01f), null, observer, null, CancellationToken.None);
        var checkpoint = observer.Checkpoints[1];

        var resumed = await first.RunAsync(new ParameterSet(Layout), TestData.Parties(2), FakeChannel.Constant(0.01f), null, null, checkpoint, CancellationToken.None);

        Assert.Equal([3, 4], resumed.Rounds.Select(r => r.Round));
        Assert.Equal(whole.Rounds[^1].Privacy!.ClientEpsilon!.Value, resumed.Rounds[^1].Privacy!.ClientEpsilon!.Value, 1e-12);
    }

    [Fact]
    public async Task AdaptiveClipping_ClipNormGrowsTowardsTheUpdateNorms()
    {
        // Every update has norm 10 (far above S): the share within S is 0, so S grows by exp(η·γ) each round.
        var privacy = new PrivacyOptions
        {
            Client = new ClientPrivacyOptions
            {
                NoiseMultiplier = 0,
                AdaptiveClipping = new AdaptiveClippingOptions { InitialNorm = 0.1, TargetQuantile = 0.5, LearningRate = 0.2, CountNoise = 1e-9 },
            },
        };
        var channel = new FakeChannel((party, task, _) =>
        {
            var delta = new ParameterSet(task.Global.Layout);
            delta.Values.Fill((float)(10 / Math.Sqrt(task.Global.Length)));
            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 5, 0.5)));
        });
        var engine = new RoundEngine(Options(privacy, rounds: 6));

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(4), channel, null, null, null, CancellationToken.None);

        for (var round = 0; round < 6; round++)
        {
            Assert.Equal(0.1 * Math.Exp(0.2 * 0.5 * round), result.Rounds[round].Privacy!.ClipNorm!.Value, 1e-6);
        }
    }

    [Fact]
    public async Task PartiesNoise_TasksCarryTheClipAndThePartysShareOfTheNoise()
    {
        UpdatePrivacy? seen = null;
        var channel = new FakeChannel((party, task, _) =>
        {
            seen = task.Privacy;
            var delta = new ParameterSet(task.Global.Layout);
            return Task.FromResult(PartyReply.Success(new PartyUpdate(party, delta, 5, 0.5, WithinClip: true)));
        });
        var privacy = new PrivacyOptions { Client = new ClientPrivacyOptions { NoiseMultiplier = 2, ClipNorm = 0.5, Noise = NoisePlacement.Parties } };
        var engine = new RoundEngine(Options(privacy));

        var result = await engine.RunAsync(new ParameterSet(Layout), TestData.Parties(4), channel, null, null, null, CancellationToken.None);

        Assert.Equal(new UpdatePrivacy(0.5, 2 * 0.5 / Math.Sqrt(4)), seen);

        // Every party answered, so the coordinator adds nothing: zero deltas stay exactly zero.
        Assert.All(result.Global.Values.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ClientPrivacy_NeedsTheUniformMean()
    {
        var options = new RoundEngineOptions { Strategy = TestData.FedAvg(), Privacy = Central(1, 1) };

        var error = Assert.Throws<ArgumentException>(() => new RoundEngine(options));

        Assert.Contains("uniform mean", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UpdateNoiseMultiplier_LeavesSigmaForTheTwoReleases()
    {
        // σ_Δ⁻² + (2σ_b)⁻² = σ⁻²: the pair composes to the Gaussian mechanism with multiplier σ.
        var update = ClientPrivacy.UpdateNoiseMultiplier(1.0, 2.0);

        Assert.Equal(1.0, Math.Pow(update, -2) + Math.Pow(2 * 2.0, -2), 12);
        Assert.Equal(double.PositiveInfinity, ClientPrivacy.UpdateNoiseMultiplier(1.0, 0.5));
    }
}
