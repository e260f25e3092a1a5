using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Tests.Models;

public sealed class DenseNetworkPerExampleTests
{
    // 150 rows span three chunks (64 + 64 + 22); 37 inputs and widths 19, 11 run the vectorised kernels and their remainders.
    private const int Rows = 150;

    private static ModelSpec Spec(LearningTask task, int hiddenLayers, float dropout = 0f) => new(
        task, 37, task == LearningTask.MulticlassClassification ? 4 : 1, hiddenLayers == 2 ? [19, 11] : [], dropout);

    private static int[] AllRows(int count) => [.. Enumerable.Range(0, count).Reverse()];

    /// <summary>The gradient of one example's loss, from the ordinary batched path with a batch of one.</summary>
    private static double[] ExampleGradient(DenseNetwork network, ParameterSet parameters, TabularData data, int row)
    {
        var gradient = new ParameterSet(network.Layout);
        network.LossAndGradient(parameters, data, [row], gradient, new Random(0));
        return [.. gradient.Values.ToArray().Select(v => (double)v)];
    }

    private static double Norm(double[] vector) => Math.Sqrt(vector.Sum(v => v * v));

    [Theory]
    [InlineData(LearningTask.BinaryClassification, 0)]
    [InlineData(LearningTask.MulticlassClassification, 0)]
    [InlineData(LearningTask.Regression, 0)]
    [InlineData(LearningTask.BinaryClassification, 2)]
    [InlineData(LearningTask.MulticlassClassification, 2)]
    [InlineData(LearningTask.Regression, 2)]
    public void ExampleGradientNorms_GhostNorm_EqualsNormOfEachExampleGradientComputedAlone(LearningTask task, int hiddenLayers)
    {
        // Arrange
        var network = new DenseNetwork(Spec(task, hiddenLayers));
        var parameters = DenseNetworkTests.RandomParameters(network, 3);
        var data = Synthetic.Random(network.Spec, Rows, seed: 4);
        var rows = AllRows(Rows);
        var norms = new double[Rows];

        // Act
        network.ExampleGradientNorms(parameters, data, rows, norms, new Random(0));

        // Assert
        for (var i = 0; i < Rows; i++)
        {
            var expected = Norm(ExampleGradient(network, parameters, data, rows[i]));
            Assert.True(expected > 0, $"example {rows[i]} has a zero gradient");
            Assert.True(Math.Abs(norms[i] - expected) <= 1e-5 * expected, $"example {rows[i]}: ghost norm {norms[i]}, alone {expected}");
        }
    }

    [Fact]
    public void LossAndClippedGradient_LogisticClipAboveEveryNorm_BitIdenticalToMeanGradient()
    {
        // Arrange
        var network = new DenseNetwork(Spec(LearningTask.BinaryClassification, 0));
        var parameters = DenseNetworkTests.RandomParameters(network, 5);
        var data = Synthetic.Random(network.Spec, Rows, seed: 6);
        var rows = AllRows(Rows);
        var mean = new ParameterSet(network.Layout);
        var clipped = new ParameterSet(network.Layout);

        // Act
        var meanLoss = network.LossAndGradient(parameters, data, rows, mean, new Random(0));
        var clippedLoss = network.LossAndClippedGradient(parameters, data, rows, 1e6, 1f / Rows, clipped, new Random(0));

        // Assert
        Assert.Equal(mean.Values.ToArray(), clipped.Values.ToArray());
        Assert.Equal(meanLoss, clippedLoss, 1e-12);
    }

    [Theory]
    [InlineData(LearningTask.MulticlassClassification, 2, 0f)]
    [InlineData(LearningTask.BinaryClassification, 2, 0.3f)]
    public void LossAndClippedGradient_MlpClipAboveEveryNorm_EqualsMeanGradient(LearningTask task, int hiddenLayers, float dropout)
    {
        // Arrange: the same Random seed draws the same dropout masks in both passes.
        var network = new DenseNetwork(Spec(task, hiddenLayers, dropout));
        var parameters = DenseNetworkTests.RandomParameters(network, 7);
        var data = Synthetic.Random(network.Spec, Rows, seed: 8);
        var rows = AllRows(Rows);
        var mean = new ParameterSet(network.Layout);
        var clipped = new ParameterSet(network.Layout);

        // Act
        network.LossAndGradient(parameters, data, rows, mean, new Random(9));
        network.LossAndClippedGradient(parameters, data, rows, 1e6, 1f / Rows, clipped, new Random(9));

        // Assert: per-layer scaling instead of scaling the head delta only moves the last bits.
        var scale = mean.L2Norm();
        Assert.True(scale > 0.01, $"gradient norm {scale}");
        Assert.Equal(mean.Values.ToArray(), clipped.Values.ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6 * scale);
    }

    [Theory]
    [InlineData(LearningTask.BinaryClassification, 0)]
    [InlineData(LearningTask.MulticlassClassification, 2)]
    [InlineData(LearningTask.Regression, 2)]
    public void LossAndClippedGradient_ClipBelowEveryNorm_EqualsSumOfExampleGradientsRescaledToTheClip(LearningTask task, int hiddenLayers)
    {
        // Arrange
        const double Clip = 1e-4;
        const float Scale = 0.25f;
        var network = new DenseNetwork(Spec(task, hiddenLayers));
        var parameters = DenseNetworkTests.RandomParameters(network, 10);
        var data = Synthetic.Random(network.Spec, Rows, seed: 11);
        var rows = AllRows(Rows);
        var expected = new double[network.Layout.TotalLength];
        foreach (var row in rows)
        {
            var example = ExampleGradient(network, parameters, data, row);
            var norm = Norm(example);
            Assert.True(norm > 10 * Clip, $"example {row} norm {norm} would not be clipped");
            for (var k = 0; k < expected.Length; k++)
            {
                expected[k] += Scale * Clip * example[k] / norm;
            }
        }

        var clipped = new ParameterSet(network.Layout);

        // Act
        network.LossAndClippedGradient(parameters, data, rows, Clip, Scale, clipped, new Random(0));

        // Assert: each of the 150 examples contributes exactly Scale·Clip of norm, so the sum's norm is at most that.
        var actual = clipped.Values.ToArray();
        var bound = Scale * Clip * Rows;
        for (var k = 0; k < expected.Length; k++)
        {
            Assert.True(Math.Abs(actual[k] - expected[k]) <= 1e-5 * bound, $"coordinate {k}: {actual[k]} vs {expected[k]}");
        }

        Assert.True(clipped.L2Norm() <= bound, $"clipped sum norm {clipped.L2Norm()} above {bound}");
    }

    [Fact]
    public void LossAndClippedGradient_BadClipOrScale_Throws()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(2));
        var data = Synthetic.SeparableBinary(4, 2, seed: 1);
        var gradient = new ParameterSet(network.Layout);

        Assert.Throws<ArgumentOutOfRangeException>("clipNorm", () =>
            network.LossAndClippedGradient(new ParameterSet(network.Layout), data, [0, 1], 0, 1f, gradient, new Random(0)));
        Assert.Throws<ArgumentOutOfRangeException>("clipNorm", () =>
            network.LossAndClippedGradient(new ParameterSet(network.Layout), data, [0, 1], double.NaN, 1f, gradient, new Random(0)));
        Assert.Throws<ArgumentOutOfRangeException>("scale", () =>
            network.LossAndClippedGradient(new ParameterSet(network.Layout), data, [0, 1], 1, -1f, gradient, new Random(0)));
    }

    [Fact]
    public void ExampleGradientNorms_DestinationTooShort_ThrowsNamingTheCounts()
    {
        var network = new DenseNetwork(ModelSpec.LogisticRegression(2));
        var data = Synthetic.SeparableBinary(4, 2, seed: 1);

        var error = Assert.Throws<ArgumentException>("norms", () =>
            network.ExampleGradientNorms(new ParameterSet(network.Layout), data, [0, 1, 2], new double[2], new Random(0)));
        Assert.Contains("3 rows", error.Message, StringComparison.Ordinal);
    }
}
