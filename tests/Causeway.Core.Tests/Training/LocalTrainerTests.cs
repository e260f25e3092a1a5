using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;

namespace Causeway.Core.Tests.Training;

public sealed class LocalTrainerTests
{
    [Theory]
    [InlineData(OptimizerKind.Sgd, 0f, 0.5f)]
    [InlineData(OptimizerKind.Sgd, 0.9f, 0.05f)]
    [InlineData(OptimizerKind.Adam, 0f, 0.05f)]
    public void Train_LogisticRegressionOnSeparableData_AccuracyAbove95Percent(OptimizerKind optimizer, float momentum, float learningRate)
    {
        // Arrange
        var data = Synthetic.SeparableBinary(400, 5, seed: 1);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(5));
        var plan = new TrainingPlan { Epochs = 10, BatchSize = 16, LearningRate = learningRate, Optimizer = optimizer, Momentum = momentum };
        var start = new ParameterSet(network.Layout);

        // Act
        var outcome = LocalTrainer.Train(network, start, data, plan, seed: 3);

        // Assert
        var evaluation = ModelEvaluator.Evaluate(network, outcome.Parameters, data);
        Assert.True(evaluation.Accuracy > 0.95, $"accuracy {evaluation.Accuracy}");
        Assert.True(outcome.MeanLoss < 0.3, $"last-epoch loss {outcome.MeanLoss}");
        Assert.All(start.Values.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Train_SoftmaxMlpOnThreeBlobs_LearnsTheClasses()
    {
        // Arrange
        var data = Synthetic.Blobs(300, 4, 3, seed: 2);
        var network = new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 4, 3, [16], dropout: 0.1f));
        var start = network.Initialize(4);
        var before = ModelEvaluator.Evaluate(network, start, data);
        var plan = new TrainingPlan { Epochs = 15, BatchSize = 32, LearningRate = 0.05f };

        // Act
        var outcome = LocalTrainer.Train(network, start, data, plan, seed: 5);

        // Assert
        var after = ModelEvaluator.Evaluate(network, outcome.Parameters, data);
        Assert.True(after.Accuracy > 0.95, $"accuracy {after.Accuracy}");
        Assert.True(after.Loss < before.Loss / 3, $"loss {before.Loss} -> {after.Loss}");
    }

    [Fact]
    public void Train_LinearRegression_RecoversTheCoefficients()
    {
        // Arrange: y = x0 + 2·x1 + 3·x2 − 0.5 (+ noise 0.01).
        var data = Synthetic.Linear(200, 3, seed: 3);
        var network = new DenseNetwork(ModelSpec.LinearRegression(3));
        var plan = new TrainingPlan { Epochs = 30, BatchSize = 20, LearningRate = 0.05f };

        // Act
        var outcome = LocalTrainer.Train(network, new ParameterSet(network.Layout), data, plan, seed: 6);

        // Assert
        Assert.Equal([1f, 2f, 3f], outcome.Parameters["layer0.weight"].ToArray(), (a, b) => Math.Abs(a - b) < 0.02f);
        Assert.Equal(-0.5f, outcome.Parameters["layer0.bias"][0], 0.02f);
        Assert.True(ModelEvaluator.Evaluate(network, outcome.Parameters, data).Rmse < 0.05);
    }

    [Fact]
    public void Train_LargeProximalMu_StaysNearStart()
    {
        // Arrange
        var data = Synthetic.SeparableBinary(200, 5, seed: 7);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(5));
        var start = network.Initialize(8);
        var plan = new TrainingPlan { Epochs = 5, BatchSize = 16, LearningRate = 0.1f };

        // Act
        var free = LocalTrainer.Train(network, start, data, plan, seed: 9);
        var proximal = LocalTrainer.Train(network, start, data, plan with { ProximalMu = 10f }, seed: 9);

        // Assert: with μ = 10 each step pulls w halfway back to the start, so the drift is bounded by |g|/μ.
        var freeDrift = ParameterSet.Difference(free.Parameters, start).L2Norm();
        var proximalDrift = ParameterSet.Difference(proximal.Parameters, start).L2Norm();
        Assert.True(freeDrift > 1, $"free drift {freeDrift}");
        Assert.True(proximalDrift < 0.15 * freeDrift, $"proximal drift {proximalDrift} vs free {freeDrift}");
    }

    [Fact]
    public void Train_WeightDecay_ShrinksTheWeights()
    {
        var data = Synthetic.SeparableBinary(200, 5, seed: 7);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(5));
        var plan = new TrainingPlan { Epochs = 5, BatchSize = 16, LearningRate = 0.1f };

        var plain = LocalTrainer.Train(network, new ParameterSet(network.Layout), data, plan, seed: 9);
        var decayed = LocalTrainer.Train(network, new ParameterSet(network.Layout), data, plan with { WeightDecay = 0.1f }, seed: 9);

        Assert.True(decayed.Parameters.L2Norm() < 0.8 * plain.Parameters.L2Norm());
    }

    [Theory]
    [InlineData(100, 32, 3, 12)]
    [InlineData(100, 0, 3, 3)]
    [InlineData(100, 100, 2, 2)]
    [InlineData(10, 64, 1, 1)]
    public void Train_BatchSizes_CountsStepsIncludingPartialBatch(int rows, int batchSize, int epochs, int expectedSteps)
    {
        var data = Synthetic.SeparableBinary(rows, 2, seed: 1);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(2));
        var plan = new TrainingPlan { Epochs = epochs, BatchSize = batchSize };

        var outcome = LocalTrainer.Train(network, new ParameterSet(network.Layout), data, plan, seed: 1);

        Assert.Equal(expectedSteps, outcome.Steps);
        Assert.Equal(rows, outcome.Examples);
    }

    [Fact]
    public void Train_SameSeed_BitIdenticalParameters()
    {
        var data = Synthetic.Blobs(120, 4, 3, seed: 2);
        var network = new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 4, 3, [8], dropout: 0.2f));
        var start = network.Initialize(1);
        var plan = new TrainingPlan { Epochs = 2, Optimizer = OptimizerKind.Adam, LearningRate = 0.01f };

        var a = LocalTrainer.Train(network, start, data, plan, seed: 77);
        var b = LocalTrainer.Train(new DenseNetwork(network.Spec), start, data, plan, seed: 77);
        var c = LocalTrainer.Train(network, start, data, plan, seed: 78);

        Assert.Equal(a.Parameters.Values.ToArray(), b.Parameters.Values.ToArray());
        Assert.Equal(a.MeanLoss, b.MeanLoss);
        Assert.NotEqual(a.Parameters.Values.ToArray(), c.Parameters.Values.ToArray());
    }

    [Fact]
    public void Train_DataWithWrongWidth_ThrowsArgumentException()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(3));
        var data = Synthetic.SeparableBinary(10, 2, seed: 1);

        var error = Assert.Throws<ArgumentException>(() =>
            LocalTrainer.Train(network, new ParameterSet(network.Layout), data, new TrainingPlan(), seed: 1));
        Assert.Contains("2 columns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_EmptyData_ThrowsArgumentException()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(2));
        var data = new TabularData([], [], 2);

        Assert.Throws<ArgumentException>(() =>
            LocalTrainer.Train(network, new ParameterSet(network.Layout), data, new TrainingPlan(), seed: 1));
    }

    [Fact]
    public void Train_InvalidPlan_ThrowsNamingTheField()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(2));
        var data = Synthetic.SeparableBinary(10, 2, seed: 1);

        var error = Assert.Throws<ArgumentException>(() =>
            LocalTrainer.Train(network, new ParameterSet(network.Layout), data, new TrainingPlan { Epochs = 0 }, seed: 1));
        Assert.Contains("epochs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_CancelledToken_ThrowsOperationCanceled()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(2));
        var data = Synthetic.SeparableBinary(10, 2, seed: 1);

        Assert.Throws<OperationCanceledException>(() =>
            LocalTrainer.Train(network, new ParameterSet(network.Layout), data, new TrainingPlan(), seed: 1, new CancellationToken(canceled: true)));
    }
    [Fact]
    public void Train_MlpOnXor_SolvesWhatNoLinearModelCan()
    {
        // Arrange: label = sign(x0) xor sign(x1), which no linear model gets much above 50% on.
        var random = new Random(8);
        var features = new float[800];
        var labels = new float[400];
        for (var r = 0; r < 400; r++)
        {
            features[2 * r] = (float)((random.NextDouble() * 2) - 1);
            features[(2 * r) + 1] = (float)((random.NextDouble() * 2) - 1);
            labels[r] = (features[2 * r] > 0) ^ (features[(2 * r) + 1] > 0) ? 1 : 0;
        }

        var data = new TabularData(features, labels, 2);
        var network = new DenseNetwork(new ModelSpec(LearningTask.BinaryClassification, 2, 1, [16, 16]));
        var plan = new TrainingPlan { Epochs = 40, BatchSize = 16, LearningRate = 0.01f, Optimizer = OptimizerKind.Adam };
        var linear = new DenseNetwork(ModelSpec.LogisticRegression(2));

        // Act
        var outcome = LocalTrainer.Train(network, network.Initialize(9), data, plan, seed: 10);
        var linearOutcome = LocalTrainer.Train(linear, linear.Initialize(9), data, plan, seed: 10);

        // Assert
        Assert.True(ModelEvaluator.Evaluate(network, outcome.Parameters, data).Accuracy > 0.95);
        Assert.True(ModelEvaluator.Evaluate(linear, linearOutcome.Parameters, data).Accuracy < 0.7);
    }
}
