using Causeway.Core.Data;
using Causeway.Core.Metrics;
using Causeway.Core.Models;
using Causeway.Core.Tensors;
using Causeway.Core.Training;
using Causeway.Privacy.Mechanisms;

namespace Causeway.Privacy.Tests.Mechanisms;

/// <summary>DP-SGD's private randomness: <see cref="NoiseSource.AddGaussianNoise"/>, <see cref="NoiseSource.Shuffle"/> and their use by <see cref="LocalTrainer"/>.</summary>
public sealed class DpSgdNoiseTests
{
    private static NoiseSource Seeded(byte seed)
    {
        var key = new byte[32];
        key[0] = seed;
        return NoiseSource.FromKey(key);
    }

    private static (double Mean, double StandardDeviation) Moments(ReadOnlySpan<float> values)
    {
        double sum = 0, sumOfSquares = 0;
        foreach (var value in values)
        {
            sum += value;
            sumOfSquares += (double)value * value;
        }

        var mean = sum / values.Length;
        return (mean, Math.Sqrt((sumOfSquares / values.Length) - (mean * mean)));
    }

    /// <summary>Binary labels from the sign of a random hyperplane through (almost) the origin, points at least 0.3 from it.</summary>
    private static TabularData Separable(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(0, columns).Select(_ => random.NextDouble() - 0.5).ToArray();
        var norm = Math.Sqrt(weights.Sum(w => w * w));
        var features = new float[rows * columns];
        var labels = new float[rows];
        for (var r = 0; r < rows;)
        {
            var dot = 0.1;
            for (var j = 0; j < columns; j++)
            {
                features[(r * columns) + j] = (float)((random.NextDouble() * 4) - 2);
                dot += weights[j] * features[(r * columns) + j];
            }

            if (Math.Abs(dot) / norm >= 0.3)
            {
                labels[r++] = dot > 0 ? 1 : 0;
            }
        }

        return new TabularData(features, labels, columns);
    }

    [Fact]
    public void AddGaussianNoise_OddLengthFromZero_MeanZeroAndTheRequestedStandardDeviation()
    {
        // Arrange: an odd length runs the paired Box–Muller loop and the single remainder.
        using var source = Seeded(1);
        var values = new float[100_001];

        // Act
        source.AddGaussianNoise(values, 0.003);

        // Assert: standard errors 0.003/√n ≈ 1e-5 for the mean and 0.003/√(2n) ≈ 7e-6 for the deviation.
        var (mean, deviation) = Moments(values);
        Assert.Equal(0, mean, 5e-5);
        Assert.Equal(0.003, deviation, 3e-5);
        Assert.NotEqual(0f, values[^1]);
    }

    [Fact]
    public void AddGaussianNoise_ToExistingValues_AddsRatherThanOverwrites()
    {
        using var first = Seeded(2);
        using var second = Seeded(2);
        var offset = Enumerable.Repeat(1000f, 64).ToArray();
        var zero = new float[64];

        first.AddGaussianNoise(offset, 1);
        second.AddGaussianNoise(zero, 1);

        Assert.Equal(zero.Select(z => 1000f + z), offset, (a, b) => Math.Abs(a - b) <= 1e-4f);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void AddGaussianNoise_BadStandardDeviation_Throws(double standardDeviation)
    {
        using var source = Seeded(3);

        Assert.Throws<ArgumentOutOfRangeException>("standardDeviation", () => source.AddGaussianNoise(new float[4], standardDeviation));
    }

    [Fact]
    public void Shuffle_ManyTimes_EveryValueEquallyLikelyAtEveryPosition()
    {
        // Arrange
        const int Length = 5, Trials = 50_000;
        using var source = Seeded(5);
        var counts = new int[Length, Length];
        var values = new int[Length];

        // Act
        for (var trial = 0; trial < Trials; trial++)
        {
            for (var i = 0; i < Length; i++)
            {
                values[i] = i;
            }

            source.Shuffle(values);
            for (var position = 0; position < Length; position++)
            {
                counts[values[position], position]++;
            }
        }

        // Assert: 10,000 expected per cell, standard deviation ≈ 89; every trial was a permutation (rows sum to Trials).
        for (var value = 0; value < Length; value++)
        {
            var row = 0;
            for (var position = 0; position < Length; position++)
            {
                Assert.InRange(counts[value, position], 9_600, 10_400);
                row += counts[value, position];
            }

            Assert.Equal(Trials, row);
        }
    }

    [Fact]
    public void Train_DpSgdWithNoise_BatchOrderComesFromTheKeyNotTheSeed()
    {
        // Arrange: σ = 1e-9 makes the noise itself negligible, so what tells the runs apart is the order of the batches.
        var data = Separable(200, 4, seed: 14);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(4));
        var plan = new TrainingPlan { Epochs = 1, BatchSize = 10, LearningRate = 0.5f, DpSgd = new DpSgd { ClipNorm = 1, NoiseMultiplier = 1e-9 } };
        var start = new ParameterSet(network.Layout);
        using var key7 = Seeded(7);
        using var key7Again = Seeded(7);
        using var key8 = Seeded(8);

        // Act
        var first = LocalTrainer.Train(network, start, data, plan, seed: 1, key7).Parameters;
        var otherSeed = LocalTrainer.Train(network, start, data, plan, seed: 2, key7Again).Parameters;
        var otherKey = LocalTrainer.Train(network, start, data, plan, seed: 1, key8).Parameters;

        // Assert
        Assert.Equal(first.Values.ToArray(), otherSeed.Values.ToArray());
        Assert.True(ParameterSet.Difference(first, otherKey).L2Norm() > 1e-3, "another key gave the same batch order");
    }

    [Fact]
    public void Train_DpSgdWithZeroFeatures_WeightsCarrySigmaClipOverNominalBatchPerStep()
    {
        // Arrange: every feature is 0, so each example's weight gradient δ·x is 0 and the weights receive the noise
        // alone. 10 rows in batches of 4 is 3 steps, the last with 2 examples but still divided by 4.
        const int Inputs = 2000;
        const double Sigma = 2, Clip = 0.5;
        var data = new TabularData(new float[10 * Inputs], new float[10], Inputs);
        var network = new DenseNetwork(ModelSpec.LinearRegression(Inputs));
        var plan = new TrainingPlan { Epochs = 1, BatchSize = 4, LearningRate = 1f, DpSgd = new DpSgd { ClipNorm = Clip, NoiseMultiplier = Sigma } };
        using var noise = Seeded(4);

        // Act
        var outcome = LocalTrainer.Train(network, new ParameterSet(network.Layout), data, plan, seed: 5, noise);

        // Assert: w = −η·Σ_3 steps N(0, (σC/B)²), so its deviation is σC/4·√3 ≈ 0.433 (dividing the last step by 2
        // would give σC/4·√6 ≈ 0.612). 2,000 weights estimate it to about 1.6%.
        var (mean, deviation) = Moments(outcome.Parameters["layer0.weight"]);
        var expected = Sigma * Clip / 4 * Math.Sqrt(3);
        Assert.Equal(3, outcome.Steps);
        Assert.True(Math.Abs(mean) < 4 * expected / Math.Sqrt(Inputs), $"mean {mean}");
        Assert.True(Math.Abs(deviation - expected) < 0.05 * expected, $"deviation {deviation}, expected {expected}");
    }

    [Fact]
    public void Train_DpSgdSameKey_SameParameters_DifferentKey_Different()
    {
        var data = Separable(200, 4, seed: 6);
        var network = new DenseNetwork(ModelSpec.LogisticRegression(4));
        var plan = new TrainingPlan { Epochs = 2, BatchSize = 20, DpSgd = new DpSgd { ClipNorm = 1, NoiseMultiplier = 1 } };
        var start = new ParameterSet(network.Layout);
        using var a = Seeded(7);
        using var b = Seeded(7);
        using var c = Seeded(8);

        var first = LocalTrainer.Train(network, start, data, plan, seed: 9, a).Parameters.Values.ToArray();
        var second = LocalTrainer.Train(network, start, data, plan, seed: 9, b).Parameters.Values.ToArray();
        var third = LocalTrainer.Train(network, start, data, plan, seed: 9, c).Parameters.Values.ToArray();

        Assert.Equal(first, second);
        Assert.NotEqual(first, third);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Train_DpSgdSigmaOneClipOne_StillLearnsSeparableData(int hiddenLayers)
    {
        // Arrange: 2,000 examples, batches of 50 (q = 0.025), 3 epochs = 120 noisy steps.
        var data = Separable(2000, 10, seed: 10);
        var spec = new ModelSpec(LearningTask.BinaryClassification, 10, 1, hiddenLayers == 1 ? [16] : []);
        var network = new DenseNetwork(spec);
        var plan = new TrainingPlan { Epochs = 3, BatchSize = 50, LearningRate = 0.5f, DpSgd = new DpSgd { ClipNorm = 1, NoiseMultiplier = 1 } };
        using var noise = Seeded(11);

        // Act
        var outcome = LocalTrainer.Train(network, network.Initialize(12), data, plan, seed: 13, noise);

        // Assert
        var accuracy = ModelEvaluator.Evaluate(network, outcome.Parameters, data).Accuracy;
        Assert.True(accuracy > 0.95, $"accuracy {accuracy}");
    }
}
