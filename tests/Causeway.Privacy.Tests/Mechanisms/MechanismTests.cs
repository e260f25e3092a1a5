using Causeway.Privacy.Mechanisms;

namespace Causeway.Privacy.Tests.Mechanisms;

public sealed class MechanismTests
{
    private const int Samples = 200_000;

    private static NoiseSource Seeded(byte seed)
    {
        var key = new byte[32];
        key[0] = seed;
        return NoiseSource.FromKey(key);
    }

    [Fact]
    public void Gaussian_LargeSample_MeanZeroAndVarianceSigmaSquared()
    {
        using var source = Seeded(1);
        var mechanism = GaussianMechanism.ForNoiseMultiplier(1.5, 2.0, source);
        var zeros = new double[Samples];
        var noisy = new double[Samples];

        mechanism.Release(zeros, noisy);

        var (mean, variance) = Moments(noisy);
        Assert.Equal(3.0, mechanism.StandardDeviation);
        // Standard error of the mean is 3/√n ≈ 0.0067; of the variance ≈ 9·√(2/n) ≈ 0.028.
        Assert.Equal(0, mean, 0.03);
        Assert.Equal(9.0, variance, 0.15);
    }

    [Fact]
    public void Laplace_LargeSample_VarianceTwoBSquared()
    {
        using var source = Seeded(2);
        var mechanism = LaplaceMechanism.ForEpsilon(0.5, 1.0, source);
        var noisy = new double[Samples];
        for (var i = 0; i < Samples; i++)
        {
            noisy[i] = mechanism.Release(10.0) - 10.0;
        }

        var (mean, variance) = Moments(noisy);
        var meanAbsolute = noisy.Average(Math.Abs);
        Assert.Equal(2.0, mechanism.Scale);
        Assert.Equal(0, mean, 0.03);
        Assert.Equal(8.0, variance, 0.25);
        Assert.Equal(2.0, meanAbsolute, 0.02);
    }

    [Fact]
    public void NoiseSource_SameKey_SameStream_DifferentKey_DifferentStream()
    {
        using var a = Seeded(7);
        using var b = Seeded(7);
        using var c = Seeded(8);

        var first = Enumerable.Range(0, 300).Select(_ => a.NextUInt64()).ToArray();

        Assert.Equal(first, Enumerable.Range(0, 300).Select(_ => b.NextUInt64()));
        Assert.NotEqual(first, Enumerable.Range(0, 300).Select(_ => c.NextUInt64()));
    }

    [Fact]
    public void NoiseSource_Create_TwoInstancesDiffer()
    {
        using var a = NoiseSource.Create();
        using var b = NoiseSource.Create();

        Assert.NotEqual(a.NextUInt64(), b.NextUInt64());
    }

    [Theory]
    [InlineData(0.5, 1e-5, 1.0)]
    [InlineData(0.1, 1e-6, 3.0)]
    public void ClassicSigma_MatchesDworkRothFormula(double epsilon, double delta, double sensitivity)
    {
        var expected = sensitivity * Math.Sqrt(2 * Math.Log(1.25 / delta)) / epsilon;

        Assert.Equal(expected, GaussianCalibration.ClassicSigma(epsilon, delta, sensitivity), 1e-12);
        Assert.Equal(expected, GaussianMechanism.ForEpsilonDelta(epsilon, delta, sensitivity, Seeded(0)).StandardDeviation, 1e-12);
    }

    [Fact]
    public void ClassicSigma_EpsilonHalfDeltaOneInHundredThousand_KnownValue()
    {
        // √(2 ln 125000) / 0.5 = 9.6896...
        Assert.Equal(9.68957, GaussianCalibration.ClassicSigma(0.5, 1e-5), 1e-4);
    }

    [Fact]
    public void Clip_LongVector_NormAtMostBound()
    {
        var vector = new float[1000];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = (i % 7) - 3.1f;
        }

        var direction = (float[])vector.Clone();
        var before = L2Clipping.Clip(vector, 1.0);

        var after = Math.Sqrt(vector.Sum(v => (double)v * v));
        Assert.True(before > 1.0);
        Assert.True(after <= 1.0, $"norm {after}");
        Assert.Equal(1.0, after, 1e-5);
        Assert.Equal(direction[5] / before, vector[5], 1e-6);
    }

    [Fact]
    public void Clip_ShortVector_Unchanged()
    {
        float[] vector = [0.3f, -0.4f];
        double[] wide = [0.3, -0.4];

        var norm = L2Clipping.Clip(vector, 1.0);
        L2Clipping.Clip(wide, 0.5);

        Assert.Equal(0.5, norm, 1e-7);
        Assert.Equal([0.3f, -0.4f], vector);
        Assert.Equal([0.3, -0.4], wide);
    }

    [Fact]
    public void Clip_DoubleVector_NormAtMostBound()
    {
        double[] vector = [3, 4, 12];

        L2Clipping.Clip(vector, 2.6);

        var after = Math.Sqrt(vector.Sum(v => v * v));
        Assert.True(after <= 2.6);
        Assert.Equal(2.6, after, 1e-9);
        Assert.Equal(0.6, vector[0], 1e-9);
    }

    [Fact]
    public void BadInputs_ThrowArgumentExceptionNamingParameter()
    {
        using var source = Seeded(3);
        AssertNames("epsilon", () => LaplaceMechanism.ForEpsilon(0, 1, source));
        AssertNames("epsilon", () => LaplaceMechanism.ForEpsilon(double.NaN, 1, source));
        AssertNames("l1Sensitivity", () => LaplaceMechanism.ForEpsilon(1, -1, source));
        AssertNames("epsilon", () => GaussianCalibration.ClassicSigma(-0.1, 1e-5));
        AssertNames("epsilon", () => GaussianCalibration.ClassicSigma(1.0, 1e-5));
        AssertNames("delta", () => GaussianCalibration.ClassicSigma(0.5, 0));
        AssertNames("l2Sensitivity", () => GaussianCalibration.ClassicSigma(0.5, 1e-5, double.NaN));
        AssertNames("noiseMultiplier", () => GaussianMechanism.ForNoiseMultiplier(-1, 1, source));
        AssertNames("value", () => LaplaceMechanism.ForEpsilon(1, 1, source).Release(double.NaN));
        AssertNames("values", () => GaussianMechanism.ForNoiseMultiplier(1, 1, source).Release([1, double.NaN], new double[2]));
        AssertNames("bound", () => L2Clipping.Clip(new float[3], 0));
        AssertNames("vector", () => L2Clipping.Clip([1f, float.NaN], 1));
        AssertNames("count", () => StatisticSensitivity.Mean(0, 1, 0));
        AssertNames("upper", () => StatisticSensitivity.Sum(1, 1));
        AssertNames("key", () => NoiseSource.FromKey(new byte[16]));
    }

    [Fact]
    public void StatisticSensitivity_SumAndMean_KnownValues()
    {
        Assert.Equal(5, StatisticSensitivity.Sum(-5, 3));
        Assert.Equal(0.08, StatisticSensitivity.Mean(-5, 3, 100), 1e-15);
    }

    private static void AssertNames(string parameter, Action action)
    {
        var error = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(parameter, error.ParamName);
    }

    private static (double Mean, double Variance) Moments(double[] values)
    {
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
        return (mean, variance);
    }
}
