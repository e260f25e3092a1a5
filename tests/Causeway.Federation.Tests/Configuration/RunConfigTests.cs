using Causeway.Core.Models;
using Causeway.Core.Training;
using Causeway.Federation.Configuration;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Tests.Configuration;

public sealed class RunConfigTests
{
    private const string Minimal = """{ "data": { "schema": "s.json", "train": "t.csv" } }""";

    private const string Full = """
        {
          "name": "adult-fedavg", "seed": 7, "rounds": 20,
          // comments are allowed
          "model": { "type": "mlp", "hidden": [64, 32], "dropout": 0.1 },
          "training": { "epochs": 2, "batchSize": 16, "learningRate": 0.01, "optimizer": "adam", "weightDecay": 0.001 },
          "strategy": { "name": "fedprox", "mu": 0.1, "serverLearningRate": 1.0 },
          "sampling": { "fraction": 0.5, "minParties": 2 },
          "round": { "deadlineSeconds": 60, "minResults": 2 },
          "data": { "schema": "samples/adult/schema.json", "train": "a.data", "test": "a.test" },
          "partition": { "parties": 10, "scheme": "dirichlet", "alpha": 0.3 },
          "evaluation": { "everyRounds": 5, "centralized": true },
        }
        """;

    [Fact]
    public void Parse_MinimalFile_FillsDefaults()
    {
        var config = RunConfig.Parse(Minimal, "run.json");

        Assert.Empty(config.Validate());
        Assert.Equal("run", config.Name);
        Assert.Equal(42UL, config.Seed);
        Assert.Equal(10, config.Rounds);
        Assert.Equal(ModelType.Logistic, config.Model.Type);
        Assert.Equal(StrategyKind.FedAvg, config.Strategy.Name);
        Assert.Equal(1.0, config.Sampling.Fraction);
        Assert.Equal(300, config.Round.DeadlineSeconds);
        Assert.Equal((0.5, 1e6), (config.Round.MaxDegradedFraction, config.Round.DivergenceLossFactor));
        Assert.Equal(PartitionScheme.Iid, config.Partition.Scheme);
        Assert.Equal(10, config.Partition.EffectiveParties);
        Assert.Equal(1, config.Evaluation.EveryRounds);
        Assert.False(config.Evaluation.Centralized);
        var plan = config.ToTrainingPlan();
        Assert.Equal(new TrainingPlan(), plan);
    }

    [Fact]
    public void Parse_FullFile_ReadsEveryField()
    {
        var config = RunConfig.Parse(Full, "run.json");

        Assert.Empty(config.Validate());
        Assert.Equal("adult-fedavg", config.Name);
        Assert.Equal(7UL, config.Seed);
        Assert.Equal([64, 32], config.Model.EffectiveHidden);
        Assert.Equal(0.1f, config.Model.Dropout);
        Assert.Equal(OptimizerKind.Adam, config.Training.Optimizer);
        Assert.Equal(StrategyKind.FedProx, config.Strategy.Name);
        Assert.Equal(0.3, config.Partition.EffectiveAlpha);
        Assert.Equal("a.test", config.Data.Test);
        Assert.True(config.Evaluation.Centralized);
        var plan = config.ToTrainingPlan();
        Assert.Equal(0.1f, plan.ProximalMu);
        Assert.Equal(2, plan.Epochs);
        Assert.Equal(16, plan.BatchSize);
        var options = config.ToRoundEngineOptions();
        Assert.Equal(TimeSpan.FromSeconds(60), options.Deadline);
        Assert.Equal((0.5, 1e6, (double?)null), (options.MaxDegradedFraction, options.Divergence.LossFactor, options.Divergence.ReferenceLoss));
        Assert.Equal(2, options.MinResults);
        Assert.Equal(5, options.EvaluateEveryRounds);
        var spec = config.ToModelSpec(14, 1, LearningTask.BinaryClassification);
        Assert.Equal([64, 32], spec.Hidden);
    }

    [Fact]
    public void Parse_RoundTripThroughToJson_Equivalent()
    {
        var config = RunConfig.Parse(Full, "run.json");

        var again = RunConfig.Parse(config.ToJson(), "again.json");

        Assert.Equal(config.ToJson(), again.ToJson());
        Assert.Contains("\"fedprox\"", config.ToJson(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "roundz": 3 }""", "roundz")]
    [InlineData("""{ "strategy": { "name": "fedavg", "momentum": 0.9 } }""", "strategy.momentum")]
    [InlineData("""{ "partition": { "scheme": "iid", "extra": { "a": 1 } } }""", "partition.extra")]
    public void Parse_UnknownField_ErrorNamesFieldAndFile(string json, string field)
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfig.Parse(json, "my-run.json"));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains("my-run.json", error.Message, StringComparison.Ordinal);
        Assert.Equal(field, error.Field);
    }

    [Theory]
    [InlineData("""{ "strategy": { "name": "fedmagic" } }""", "strategy.name")]
    [InlineData("""{ "rounds": "many" }""", "rounds")]
    [InlineData("""{ "model": null }""", "model")]
    [InlineData("""{ "rounds": 3 """, "run.json")]
    public void Parse_WrongValueType_ErrorNamesField(string json, string field)
    {
        var error = Assert.Throws<RunConfigException>(() => RunConfig.Parse(json, "run.json"));

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "rounds": 0 }""", "rounds must be at least 1")]
    [InlineData("""{ "strategy": { "name": "fedavg", "mu": 0.01 } }""", "strategy.mu is only valid for fedprox")]
    [InlineData("""{ "strategy": { "name": "fedadam", "serverMomentum": 0.9 } }""", "strategy.serverMomentum is only valid for fedavgm")]
    [InlineData("""{ "strategy": { "name": "fedavg", "tau": 0.01 } }""", "strategy.tau is only valid")]
    [InlineData("""{ "strategy": { "name": "fedadagrad", "beta2": 0.9 } }""", "strategy.beta2 is only valid")]
    [InlineData("""{ "sampling": { "fraction": 0 } }""", "sampling.fraction must be in (0, 1]")]
    [InlineData("""{ "sampling": { "fraction": 1.5 } }""", "sampling.fraction must be in (0, 1]")]
    [InlineData("""{ "round": { "minResults": 11 } }""", "round.minResults (11) exceeds")]
    [InlineData("""{ "round": { "maxDegradedFraction": 1.5 } }""", "round.maxDegradedFraction must be in [0, 1], got 1.5")]
    [InlineData("""{ "round": { "maxDegradedFraction": -0.1 } }""", "round.maxDegradedFraction must be in [0, 1], got -0.1")]
    [InlineData("""{ "round": { "divergenceLossFactor": 1 } }""", "round.divergenceLossFactor must be a number above 1, got 1")]
    [InlineData("""{ "partition": { "scheme": "iid", "alpha": 0.3 } }""", "partition.alpha is only valid")]
    [InlineData("""{ "partition": { "scheme": "column" } }""", "partition.column is required")]
    [InlineData("""{ "model": { "type": "logistic", "hidden": [10] } }""", "model.hidden is only valid for mlp")]
    [InlineData("""{ "training": { "learningRate": -1 } }""", "training.learningRate must be a positive")]
    [InlineData("""{ "training": { "optimizer": "adam", "momentum": 0.5 } }""", "training.momentum is only valid")]
    [InlineData("""{ "model": { "type": "mlp", "hidden": [8] }, "training": { "frozenLayers": 1, "personalLayers": 1 } }""", "1 frozen and 1 personal layers leave none of the model's 2 layers to share")]
    [InlineData("""{ "training": { "personalLayers": 1 } }""", "leave none of the model's 1 layers")]
    [InlineData("""{ "model": { "type": "mlp", "hidden": [8] }, "training": { "frozenLayers": 1 }, "privacy": { "client": { "noiseMultiplier": 1, "clipNorm": 1 } } }""", "do not combine with privacy yet")]
    [InlineData("""{ "model": { "type": "mlp", "init": "not base64!" } }""", "model.init must be base64 of a Causeway model file")]
    [InlineData("""{ "model": { "type": "mlp", "hidden": [8] }, "training": { "personalLayers": 1 }, "protection": { "kind": "secagg" } }""", "do not combine with protection yet")]
    [InlineData("""{ "model": { "type": "mlp", "init": "aGVsbG8=" } }""", "model.init")]
    public void Validate_InvalidValue_ErrorNamesField(string json, string expected)
    {
        var config = RunConfig.Parse(json, "run.json") with { Data = new DataConfig { Schema = "s", Train = "t" } };

        var errors = config.Validate();

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingData_ReportsBothPaths()
    {
        var errors = RunConfig.Parse("{}", "run.json").Validate();

        Assert.Equal(["data.schema is required", "data.train is required"], errors);
    }

    [Fact]
    public void ToTrainingPlan_FedSgd_ForcesOneFullBatchEpoch()
    {
        var config = RunConfig.Parse("""{ "strategy": { "name": "fedsgd" }, "training": { "epochs": 5, "batchSize": 8 } }""", "run.json");

        var plan = config.ToTrainingPlan();

        Assert.Equal(1, plan.Epochs);
        Assert.Equal(0, plan.BatchSize);
    }

    [Fact]
    public void ToModelSpec_LogisticOnMulticlassData_Throws()
    {
        var config = RunConfig.Parse("{}", "run.json");

        var error = Assert.Throws<ArgumentException>(() => config.ToModelSpec(4, 3, LearningTask.MulticlassClassification));

        Assert.Contains("logistic", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fedavg", typeof(ServerSgd))]
    [InlineData("fedavgm", typeof(ServerMomentum))]
    [InlineData("fedadam", typeof(FedAdam))]
    [InlineData("fedyogi", typeof(FedYogi))]
    [InlineData("fedadagrad", typeof(FedAdagrad))]
    public void ToRoundEngineOptions_Strategy_BuildsMatchingServerOptimizer(string name, Type expected)
    {
        var config = RunConfig.Parse($$"""{ "strategy": { "name": "{{name}}" } }""", "run.json");

        var optimizer = config.ToRoundEngineOptions().Strategy.CreateServerOptimizer();

        Assert.IsType(expected, optimizer);
    }

    [Fact]
    public void Validate_NetworkRunOfFiftyParties_NeedsNoSimulationField()
    {
        var config = RunConfig.Parse("""{ "rounds": 20, "model": { "type": "softmax" }, "sampling": { "minParties": 50 }, "round": { "minResults": 50 } }""", "run.json");

        Assert.Empty(config.Validate(RunSite.Network));
        Assert.Empty(config.ValidateRoster(50));
        Assert.Contains("sampling.minParties (50) exceeds the 10 connected parties", config.ValidateRoster(10));
        Assert.Contains("partition.parties (10)", string.Join("; ", config.Validate(RunSite.SimulationInMemory)), StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRoster_MinResultsAboveTheSampledParties_NamesBothNumbers()
    {
        var config = RunConfig.Parse("""{ "sampling": { "fraction": 0.5 }, "round": { "minResults": 6 } }""", "run.json");

        var error = Assert.Single(config.ValidateRoster(10));

        Assert.Equal("round.minResults (6) exceeds the 5 parties selected per round from the 10 connected parties, so every round would fail", error);
    }

    [Fact]
    public void Validate_NetworkRunWithAPartition_IsRefusedNamingTheSection()
    {
        var config = RunConfig.Parse("""{ "partition": { "parties": 4 } }""", "run.json");

        var error = Assert.Single(config.Validate(RunSite.Network));

        Assert.StartsWith("partition is for simulations only", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ToRoundEngineOptions_RoundLimitsAndAClassifier_CarriesThemWithTheUninformedLoss()
    {
        var config = RunConfig.Parse("""{ "round": { "maxDegradedFraction": 0.25, "divergenceLossFactor": 1e3 } }""", "run.json");

        var options = config.ToRoundEngineOptions(model: ModelSpec.SoftmaxRegression(4, 10));

        Assert.Equal((0.25, 1e3), (options.MaxDegradedFraction, options.Divergence.LossFactor));
        Assert.Equal(Math.Log(10), options.Divergence.ReferenceLoss!.Value, 12);
    }

    [Theory]
    [InlineData(LearningTask.BinaryClassification, ModelType.Logistic, 1)]
    [InlineData(LearningTask.MulticlassClassification, ModelType.Softmax, 3)]
    [InlineData(LearningTask.Regression, ModelType.Linear, 1)]
    public void LinearFor_EveryTask_AModelThatToModelSpecAcceptsForIt(LearningTask task, ModelType expected, int outputs)
    {
        var type = ModelConfig.LinearFor(task);
        var spec = new RunConfig { Model = new ModelConfig { Type = type } }.ToModelSpec(5, outputs, task);

        Assert.Equal(expected, type);
        Assert.Equal(task, spec.Task);
        Assert.Empty(spec.Hidden);
    }
}
