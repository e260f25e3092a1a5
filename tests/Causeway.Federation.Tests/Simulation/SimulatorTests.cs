using Causeway.Core.Models;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;
using Causeway.Federation.Simulation;

namespace Causeway.Federation.Tests.Simulation;

public sealed class SimulatorTests
{
    private static SimulationData LogisticData(int train, int test) =>
        new(Synthetic.Logistic(train, 10, seed: 1), Synthetic.Logistic(test, 10, seed: 2), LearningTask.BinaryClassification, 1);

    [Fact]
    public async Task RunAsync_FedAvgTwentyIidParties_ReachesHighAccuracy()
    {
        var config = RunConfig.Parse(
            """
            { "name": "synthetic", "seed": 3, "rounds": 10,
              "training": { "epochs": 1, "batchSize": 16, "learningRate": 0.1 },
              "partition": { "parties": 20, "scheme": "iid" },
              "evaluation": { "everyRounds": 1, "centralized": true } }
            """,
            "test.json");
        var observer = new RecordingObserver();

        var result = await new Simulator().RunAsync(config, LogisticData(4000, 1000), observer, CancellationToken.None);

        Assert.Equal(10, result.Rounds.Count);
        Assert.All(result.Rounds, r => Assert.Equal(20, r.Participants));
        Assert.True(result.Final!.Accuracy > 0.93, $"accuracy {result.Final.Accuracy}");
        Assert.True(result.Centralized!.Accuracy > 0.93, $"centralized accuracy {result.Centralized.Accuracy}");
        Assert.True(result.Rounds[^1].Evaluation!.Loss < result.Rounds[0].Evaluation!.Loss);
        Assert.Equal(10, observer.Checkpoints.Count);
    }

    [Fact]
    public async Task RunAsync_LearningRate1e30_FailsAsDivergedInRoundOneWithTheLoss()
    {
        var config = RunConfig.Parse(
            """{ "rounds": 5, "training": { "learningRate": 1e30 }, "partition": { "parties": 4 } }""", "test.json");

        var result = await new Simulator().RunAsync(config, LogisticData(800, 200), null, CancellationToken.None);

        // The same engine rule a coordinator applies (ControlApiTests): nothing is closed, the run fails naming round and loss.
        Assert.Empty(result.Rounds);
        Assert.Matches(@"^round 1 diverged: the mean training loss \d(\.\d+)?E\+(2\d|3\d) exceeds 1E\+06 \(round\.divergenceLossFactor\) × the reference loss 0\.6931;", result.Failure);
    }

    [Fact]
    public async Task RunAsync_SameSeedTwice_BitIdenticalModels()
    {
        var config = RunConfig.Parse(
            """{ "rounds": 3, "strategy": { "name": "fedadam" }, "sampling": { "fraction": 0.5 }, "partition": { "parties": 8, "scheme": "dirichlet", "alpha": 0.5 } }""",
            "test.json");
        var data = LogisticData(800, 200);

        var first = await new Simulator().RunAsync(config, data, null, CancellationToken.None);
        var second = await new Simulator().RunAsync(config, data, null, CancellationToken.None);

        Assert.Equal(first.Global.Values.ToArray(), second.Global.Values.ToArray());
        Assert.Equal(first.Rounds.Select(r => r.Evaluation!.Loss), second.Rounds.Select(r => r.Evaluation!.Loss));
    }

    [Fact]
    public async Task RunAsync_ThousandParties_CompletesRound()
    {
        var config = RunConfig.Parse(
            """{ "rounds": 1, "training": { "batchSize": 0 }, "partition": { "parties": 1000 }, "round": { "minResults": 900 } }""",
            "test.json");

        var result = await new Simulator().RunAsync(config, LogisticData(5000, 500), null, CancellationToken.None);

        var round = Assert.Single(result.Rounds);
        Assert.Equal(1000, round.Selected);
        Assert.Equal(1000, round.Participants);
        Assert.True(round.Succeeded);
        Assert.Empty(round.Failures);
        Assert.Equal(1000L * 4 * 11, round.Bytes);
    }

    [Fact]
    public async Task RunAsync_FedSgdWithFraction_SelectsTenPercent()
    {
        var config = RunConfig.Parse(
            """{ "rounds": 2, "strategy": { "name": "fedsgd" }, "training": { "learningRate": 0.5 }, "sampling": { "fraction": 0.1 }, "partition": { "parties": 50 } }""",
            "test.json");

        var result = await new Simulator().RunAsync(config, LogisticData(1000, 200), null, CancellationToken.None);

        Assert.All(result.Rounds, r => Assert.Equal(5, r.Participants));
    }

    [Fact]
    public async Task RunAsync_FedSgdAllParties_EqualsCentralFullBatchGradientDescent()
    {
        // FedSGD: each party takes one full-batch step −η·g_k; the example-weighted mean of those is −η·g on the union,
        // so R rounds are R full-batch gradient steps from the same initial model (McMahan et al. 2017, section 2).
        var config = RunConfig.Parse(
            """{ "seed": 11, "rounds": 4, "strategy": { "name": "fedsgd" }, "training": { "learningRate": 0.5 }, "partition": { "parties": 7, "scheme": "quantity", "alpha": 1.0 } }""",
            "test.json");
        var data = LogisticData(700, 50);
        var spec = ModelSpec.LogisticRegression(10);

        var federated = await new Simulator().RunAsync(config, data, null, CancellationToken.None);
        var central = Core.Training.CentralizedTrainer.Train(
            new DenseNetwork(spec), data.Train, new Core.Training.TrainingPlan { Epochs = 4, BatchSize = 0, LearningRate = 0.5f }, 11);

        for (var i = 0; i < central.Length; i++)
        {
            Assert.Equal(central.Values[i], federated.Global.Values[i], 1e-4f);
        }
    }

    [Fact]
    public async Task RunAsync_TrainingLongerThanDeadline_StragglersCancelledAndRoundsFail()
    {
        var config = RunConfig.Parse(
            """{ "rounds": 2, "model": { "type": "mlp", "hidden": [64] }, "training": { "epochs": 10000 }, "round": { "deadlineSeconds": 0.3 }, "partition": { "parties": 4 } }""",
            "test.json");
        var data = LogisticData(4000, 200);

        // Without cancellation the 4 parties would train 10,000 epochs each (minutes on 2 cores); the generous bound
        // only catches that, without timing the run (the test suite runs classes in parallel on a loaded machine).
        var result = await new Simulator().RunAsync(config, data, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));

        Assert.All(result.Rounds, r =>
        {
            Assert.False(r.Succeeded);
            Assert.Equal(4, r.Failures.Count);
            Assert.All(r.Failures, f => Assert.Equal(FailureKind.Straggler, f.Kind));
        });
        Assert.Equal(result.Rounds[0].Evaluation!.Loss, result.Rounds[1].Evaluation!.Loss);
    }

    [Fact]
    public void Partition_ColumnScheme_OnePartyPerValue()
    {
        var config = RunConfig.Parse("""{ "partition": { "scheme": "column", "column": "site" } }""", "test.json");
        var train = Synthetic.Logistic(6, 10, seed: 1);
        var data = new SimulationData(train, null, LearningTask.BinaryClassification, 1, ["b", "a", "b", "c", "a", "b"]);

        var parts = Simulator.Partition(config, data);

        Assert.Equal(["a", "b", "c"], parts.Select(p => p.Party.Value));
        Assert.Equal([0, 2, 5], parts[1].Rows);
    }

    [Fact]
    public void Partition_Iid_PartyIdsAndAllRowsOnce()
    {
        var config = RunConfig.Parse("""{ "partition": { "parties": 12 } }""", "test.json");

        var parts = Simulator.Partition(config, LogisticData(100, 10));

        Assert.Equal("party-0001", parts[0].Party.Value);
        Assert.Equal("party-0012", parts[^1].Party.Value);
        Assert.Equal(Enumerable.Range(0, 100), parts.SelectMany(p => p.Rows).Order());
    }

    [Fact]
    public async Task RunAsync_InvalidConfig_ThrowsNamingField()
    {
        var config = RunConfig.Parse("""{ "rounds": 0 }""", "test.json");

        var error = await Assert.ThrowsAsync<ArgumentException>(() => new Simulator().RunAsync(config, LogisticData(10, 10), null, CancellationToken.None));

        Assert.Contains("rounds must be at least 1", error.Message, StringComparison.Ordinal);
    }

    private sealed class RecordingObserver : IRunObserver
    {
        public List<RunCheckpoint> Checkpoints { get; } = [];

        public ValueTask OnRoundCompletedAsync(RoundSummary summary, RunCheckpoint checkpoint, CancellationToken cancellationToken)
        {
            Checkpoints.Add(checkpoint);
            return ValueTask.CompletedTask;
        }
    }
}
