using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;

namespace Causeway.Core.Tests.Training;

/// <summary>
/// DP-SGD in <see cref="LocalTrainer"/> without noise (clipping and the divisor); the noise itself is tested with the
/// real noise source in Causeway.Privacy.Tests.
/// </summary>
public sealed class DpSgdTrainingTests
{
    private static readonly DpSgd HugeClipNoNoise = new() { ClipNorm = 1e6, NoiseMultiplier = 0 };

    [Theory]
    [InlineData(OptimizerKind.Sgd, 0f)]
    [InlineData(OptimizerKind.Sgd, 0.9f)]
    [InlineData(OptimizerKind.Adam, 0f)]
    public void Train_LogisticNoNoiseHugeClip_BitIdenticalToOrdinaryTraining(OptimizerKind optimizer, float momentum)
    {
        // Arrange: 96 rows in batches of 16, so every batch is full and both divide by 16.
        var data = Synthetic.SeparableBinary(96, 5, seed: 1);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(5));
        var plan = new TrainingPlan { Epochs = 3, BatchSize = 16, LearningRate = 0.1f, Optimizer = optimizer, Momentum = momentum, WeightDecay = 0.01f };
        var start = network.Initialize(2);

        // Act
        var ordinary = LocalTrainer.Train(network, start, data, plan, seed: 3);
        var clipped = LocalTrainer.Train(network, start, data, plan with { DpSgd = HugeClipNoNoise }, seed: 3, privateRandomness: null);

        // Assert
        Assert.Equal(ordinary.Parameters.Values.ToArray(), clipped.Parameters.Values.ToArray());
        Assert.Equal(ordinary.MeanLoss, clipped.MeanLoss, 1e-12);
        Assert.Equal(ordinary.Steps, clipped.Steps);
    }

    [Fact]
    public void Train_MlpWithDropoutNoNoiseHugeClip_SameParametersAsOrdinaryTraining()
    {
        // Arrange
        var data = Synthetic.Blobs(128, 4, 3, seed: 2);
        var network = new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 4, 3, [16], dropout: 0.1f));
        var plan = new TrainingPlan { Epochs = 4, BatchSize = 32, LearningRate = 0.05f, ProximalMu = 0.1f };
        var start = network.Initialize(4);

        // Act
        var ordinary = LocalTrainer.Train(network, start, data, plan, seed: 5);
        var clipped = LocalTrainer.Train(network, start, data, plan with { DpSgd = HugeClipNoNoise }, seed: 5, privateRandomness: null);

        // Assert: equal up to float rounding (the clipped path scales every layer's delta, not only the head's).
        var drift = ParameterSet.Difference(ordinary.Parameters, start).L2Norm();
        var difference = ParameterSet.Difference(ordinary.Parameters, clipped.Parameters).L2Norm();
        Assert.True(drift > 0.5, $"training moved the model by {drift} only");
        Assert.True(difference < 1e-5 * drift, $"DP-SGD without noise differs by {difference} (drift {drift})");
    }

    [Fact]
    public void Train_NoNoiseHugeClipLastBatchPartial_DividesEveryStepByTheNominalBatchSize()
    {
        // Arrange: 20 rows in batches of 16; the second step has 4 examples but is still divided by 16.
        var data = Synthetic.SeparableBinary(20, 3, seed: 6);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(3));
        var start = network.Initialize(7);
        var plan = new TrainingPlan { Epochs = 1, BatchSize = 16, LearningRate = 0.5f, DpSgd = HugeClipNoNoise };

        // The reference replays LocalTrainer's shuffle and takes the two SGD steps by hand.
        var order = Enumerable.Range(0, 20).ToArray();
        new Random(SplitMix64.DeriveInt32(8)).Shuffle(order);
        var expected = new ParameterSet(network.Layout, start.Values.ToArray());
        var gradient = new ParameterSet(network.Layout);
        foreach (var batch in new[] { order[..16], order[16..] })
        {
            network.LossAndGradient(expected, data, batch, gradient, new Random(0));
            var weight = batch.Length / 16f;
            for (var k = 0; k < expected.Values.Length; k++)
            {
                expected.Values[k] -= plan.LearningRate * weight * gradient.Values[k];
            }
        }

        // Act
        var outcome = LocalTrainer.Train(network, start, data, plan, seed: 8, privateRandomness: null);

        // Assert
        Assert.Equal(2, outcome.Steps);
        Assert.Equal(expected.Values.ToArray(), outcome.Parameters.Values.ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6f);
    }

    [Fact]
    public void Train_NoNoiseTinyClipFullBatch_StepsAlongTheMeanOfUnitExampleGradientsTimesTheClip()
    {
        // Arrange
        const double Clip = 0.01;
        const float LearningRate = 2f;
        var data = Synthetic.Blobs(50, 4, 3, seed: 9);
        var network = new DenseNetwork(new ModelSpec(LearningTask.MulticlassClassification, 4, 3, [8]));
        var start = network.Initialize(10);
        var plan = new TrainingPlan { Epochs = 1, BatchSize = 0, LearningRate = LearningRate, DpSgd = new DpSgd { ClipNorm = Clip, NoiseMultiplier = 0 } };
        var expected = start.Values.ToArray().Select(v => (double)v).ToArray();
        var example = new ParameterSet(network.Layout);
        for (var row = 0; row < data.Rows; row++)
        {
            network.LossAndGradient(start, data, [row], example, new Random(0));
            var norm = example.L2Norm();
            Assert.True(norm > 10 * Clip, $"example {row} norm {norm} would not be clipped");
            for (var k = 0; k < expected.Length; k++)
            {
                expected[k] -= LearningRate * Clip * example.Values[k] / norm / data.Rows;
            }
        }

        // Act
        var outcome = LocalTrainer.Train(network, start, data, plan, seed: 11, privateRandomness: null);

        // Assert: the step has norm at most η·C.
        Assert.Equal(1, outcome.Steps);
        Assert.Equal(expected, outcome.Parameters.Values.ToArray().Select(v => (double)v), (a, b) => Math.Abs(a - b) <= 1e-6);
        Assert.True(ParameterSet.Difference(outcome.Parameters, start).L2Norm() <= LearningRate * Clip);
    }

    [Fact]
    public void Train_PlanWithNoiseButNoPrivateRandomness_ThrowsNamingIt()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(2));
        var data = Synthetic.SeparableBinary(10, 2, seed: 1);
        var plan = new TrainingPlan { DpSgd = new DpSgd { ClipNorm = 1, NoiseMultiplier = 1 } };

        var error = Assert.Throws<ArgumentException>("privateRandomness", () => LocalTrainer.Train(network, new ParameterSet(network.Layout), data, plan, seed: 1));
        Assert.Contains("noise source", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1, "clip norm")]
    [InlineData(-1, 1, "clip norm")]
    [InlineData(double.NaN, 1, "clip norm")]
    [InlineData(double.PositiveInfinity, 1, "clip norm")]
    [InlineData(1, -0.5, "noise multiplier")]
    [InlineData(1, double.NaN, "noise multiplier")]
    [InlineData(1, double.PositiveInfinity, "noise multiplier")]
    public void Validate_BadDpSgdValue_ThrowsNamingTheField(double clipNorm, double noiseMultiplier, string field)
    {
        var plan = new TrainingPlan { DpSgd = new DpSgd { ClipNorm = clipNorm, NoiseMultiplier = noiseMultiplier } };

        var error = Assert.Throws<ArgumentException>(plan.Validate);

        Assert.Contains($"DP-SGD {field}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CentralizedTrainer_PlanWithDpSgd_TrainsTheNonPrivateReference()
    {
        var data = Synthetic.SeparableBinary(60, 3, seed: 12);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(3));
        var plan = new TrainingPlan { Epochs = 2, BatchSize = 8 };

        var plain = CentralizedTrainer.Train(network, data, plan, seed: 13);
        var withDp = CentralizedTrainer.Train(network, data, plan with { DpSgd = new DpSgd { ClipNorm = 0.1, NoiseMultiplier = 2 } }, seed: 13);

        Assert.Equal(plain.Values.ToArray(), withDp.Values.ToArray());
    }
}
