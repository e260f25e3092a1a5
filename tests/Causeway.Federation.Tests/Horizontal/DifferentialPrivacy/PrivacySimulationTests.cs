using Causeway.Core.Models;
using Causeway.Federation.Configuration;
using Causeway.Federation.Simulation;
using Causeway.Privacy.Accounting;

namespace Causeway.Federation.Tests.Horizontal.DifferentialPrivacy;

/// <summary>Every differential-privacy switch of the run config, end to end through the simulator.</summary>
public sealed class PrivacySimulationTests
{
    private static SimulationData LogisticData(int train, int test) =>
        new(Synthetic.Logistic(train, 10, seed: 1), Synthetic.Logistic(test, 10, seed: 2), LearningTask.BinaryClassification, 1);

    [Fact]
    public async Task DpSgd_LearnsAndReportsTheWorstPartysSampleEpsilon()
    {
        var config = RunConfig.Parse(
            """
            { "rounds": 4, "training": { "epochs": 1, "batchSize": 50, "learningRate": 0.5 },
              "partition": { "parties": 4, "scheme": "iid" },
              "privacy": { "sample": { "noiseMultiplier": 1.1, "clipNorm": 1.0 }, "delta": 1e-5 } }
            """,
            "test.json");
        Assert.Empty(config.Validate(RunSite.SimulationInMemory));

        var result = await new Simulator().RunAsync(config, LogisticData(2000, 500), null, CancellationToken.None);

        // IID: every party holds 500 rows, so each round costs each party 10 steps at q = 50/500.
        var reference = new RdpAccountant(1e-5);
        foreach (var round in result.Rounds)
        {
            var expected = reference.Add(DpSgdSteps.For(500, 50, 1, 1.1)).Epsilon;
            Assert.Equal(expected, round.Privacy!.SampleEpsilon!.Value, 1e-9);
            Assert.Null(round.Privacy.ClientEpsilon);
        }

        Assert.True(result.Final!.Accuracy > 0.85, $"accuracy {result.Final.Accuracy}");
    }

    [Fact]
    public async Task ClientDp_ManyParties_LearnsWithinTheBudget()
    {
        var config = RunConfig.Parse(
            """
            { "rounds": 30, "training": { "epochs": 3, "batchSize": 10, "learningRate": 0.5 },
              "sampling": { "fraction": 0.2 },
              "partition": { "parties": 500, "scheme": "iid" },
              "privacy": { "client": { "noiseMultiplier": 1.5, "adaptiveClipping": { "initialNorm": 0.05 } }, "epsilonBudget": 6 } }
            """,
            "test.json");
        Assert.Empty(config.Validate(RunSite.SimulationInMemory));

        var result = await new Simulator().RunAsync(config, LogisticData(5000, 1000), null, CancellationToken.None);

        var last = result.Rounds[^1].Privacy!;
        Assert.True(last.ClientEpsilon <= 6, $"ε {last.ClientEpsilon}");
        Assert.True(result.Final!.Accuracy > 0.85, $"accuracy {result.Final.Accuracy} after {result.Rounds.Count} rounds, S {last.ClipNorm}, ε {last.ClientEpsilon}, {result.StoppedEarly}");

        // Adaptive clipping moved S away from its start.
        Assert.NotEqual(0.05, last.ClipNorm!.Value, 3);
    }

    [Fact]
    public async Task DistributedDp_UnderSecureAggregation_ReleasesWhatThePlainDistributedRunReleases()
    {
        // σ = 0 isolates the arithmetic: parties clip to S under the masks; the coordinator's release of the unmasked
        // mean must equal the plain run's (up to the ring's quantisation), and ε is charged the same way.
        static RunConfig Config(string protection) => RunConfig.Parse(
            $$"""
            { "seed": 5, "rounds": 3, "training": { "epochs": 1, "batchSize": 32, "learningRate": 0.5 },
              "partition": { "parties": 4, "scheme": "iid" },
              "privacy": { "client": { "noiseMultiplier": 0, "clipNorm": 0.05, "noise": "parties" } }
              {{protection}} }
            """,
            "test.json");
        var data = LogisticData(800, 200);

        var plain = await new Simulator().RunAsync(Config(""), data, null, CancellationToken.None);
        var secure = await new Simulator().RunAsync(Config(""", "protection": { "kind": "secagg", "threshold": 3 }"""), data, null, CancellationToken.None);

        Assert.All(secure.Rounds, r => Assert.True(r.Succeeded, r.Problem));
        var difference = plain.Global.Values.ToArray().Zip(secure.Global.Values.ToArray(), (a, b) => Math.Abs(a - b)).Max();
        Assert.True(difference < 1e-4, $"max |plain − secagg| = {difference}");
        Assert.True(difference > 0, "quantisation leaves a trace: identical bits would mean the protected path did not run");
        Assert.Equal(plain.Rounds[^1].Privacy!.ClipNorm, secure.Rounds[^1].Privacy!.ClipNorm);
    }

    [Theory]
    [InlineData("""{ "privacy": { } }""", "privacy needs a \"client\"")]
    [InlineData("""{ "privacy": { "client": { "noiseMultiplier": 1 } } }""", "exactly one of clipNorm")]
    [InlineData("""{ "privacy": { "client": { "noiseMultiplier": -1, "clipNorm": 1 } } }""", "privacy.client.noiseMultiplier must be")]
    [InlineData("""{ "privacy": { "client": { "noiseMultiplier": 1, "clipNorm": 1 }, "delta": 2 } }""", "privacy.delta must be in (0, 1)")]
    [InlineData("""{ "privacy": { "client": { "noiseMultiplier": 1, "clipNorm": 1 }, "epsilonBudget": 0 } }""", "privacy.epsilonBudget must be")]
    [InlineData("""{ "privacy": { "sample": { "noiseMultiplier": 1, "clipNorm": 0 } } }""", "privacy.sample.clipNorm must be")]
    [InlineData("""{ "privacy": { "client": { "noiseMultiplier": 1, "clipNorm": 1 } }, "aggregation": { "rule": "median" } }""", "needs the plain mean")]
    [InlineData("""{ "privacy": { "client": { "noiseMultiplier": 2, "adaptiveClipping": { "countNoise": 0.5 } } } }""", "countNoise (0.5) is too small")]
    public void Validate_NamesTheField(string json, string message)
    {
        var errors = RunConfig.Parse(json, "test.json").Validate(RunSite.SimulationInMemory);

        Assert.Contains(errors, e => e.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownConversion_ListsTheChoices()
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfig.Parse(
            """{ "privacy": { "client": { "noiseMultiplier": 1, "clipNorm": 1 }, "conversion": "fancy" } }""", "test.json"));

        Assert.Contains("\"classic\", \"balle2020\"", error.Message, StringComparison.Ordinal);
    }
}
