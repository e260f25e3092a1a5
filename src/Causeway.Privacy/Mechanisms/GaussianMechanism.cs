namespace Causeway.Privacy.Mechanisms;

/// <summary>
/// Releases a statistic (a count, sum, mean or histogram) with Gaussian noise of standard deviation
/// <see cref="StandardDeviation"/> = noise multiplier × caller-stated L2 sensitivity on every coordinate.
/// </summary>
/// <remarks>
/// Effectively computes destination[i] = values[i] + StandardDeviation · N(0, 1). The sensitivity is the
/// caller's claim about the statistic (see <see cref="StatisticSensitivity"/>); for a vector it is the
/// L2 norm of the largest change one individual can cause across all coordinates. Floating-point
/// caveat: see <see cref="NoiseSource"/>.
/// </remarks>
public sealed class GaussianMechanism
{
    private readonly NoiseSource _source;

    private GaussianMechanism(double standardDeviation, NoiseSource source)
    {
        StandardDeviation = standardDeviation;
        _source = source;
    }

    public double StandardDeviation { get; }

    /// <summary>(ε, δ)-DP for ε in (0, 1) by the classic calibration (<see cref="GaussianCalibration.ClassicSigma"/>).</summary>
    public static GaussianMechanism ForEpsilonDelta(double epsilon, double delta, double l2Sensitivity, NoiseSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return new GaussianMechanism(GaussianCalibration.ClassicSigma(epsilon, delta, l2Sensitivity), source);
    }

    /// <summary>Standard deviation <paramref name="noiseMultiplier"/> × <paramref name="l2Sensitivity"/>, to be accounted with <see cref="Accounting.RdpAccountant"/>.</summary>
    public static GaussianMechanism ForNoiseMultiplier(double noiseMultiplier, double l2Sensitivity, NoiseSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        MechanismGuards.Sensitivity(noiseMultiplier, nameof(noiseMultiplier));
        MechanismGuards.Sensitivity(l2Sensitivity, nameof(l2Sensitivity));
        return new GaussianMechanism(noiseMultiplier * l2Sensitivity, source);
    }

    /// <summary>value + N(0, σ²).</summary>
    public double Release(double value)
    {
        MechanismGuards.Finite(value, nameof(value));
        return value + (StandardDeviation * _source.NextStandardNormal());
    }

    /// <summary>Independent noise on each coordinate (histograms, model updates).</summary>
    public void Release(ReadOnlySpan<double> values, Span<double> destination)
    {
        if (destination.Length < values.Length)
        {
            throw new ArgumentException("The destination is shorter than the values.", nameof(destination));
        }

        MechanismGuards.Finite(values, nameof(values));
        for (var i = 0; i < values.Length; i++)
        {
            destination[i] = values[i] + (StandardDeviation * _source.NextStandardNormal());
        }
    }
}
