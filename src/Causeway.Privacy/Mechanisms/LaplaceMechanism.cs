namespace Causeway.Privacy.Mechanisms;

/// <summary>
/// Releases a statistic with Laplace noise of scale b = Δ₁/ε, which is ε-DP (Dwork, McSherry, Nissim
/// and Smith 2006) for a statistic whose L1 sensitivity the caller states as Δ₁.
/// </summary>
/// <remarks>
/// Effectively computes destination[i] = values[i] + b · Laplace(0, 1); the noise variance is 2b².
/// Floating-point caveat (Mironov 2012): see <see cref="NoiseSource"/>.
/// </remarks>
public sealed class LaplaceMechanism
{
    private readonly NoiseSource _source;

    private LaplaceMechanism(double scale, NoiseSource source)
    {
        Scale = scale;
        _source = source;
    }

    /// <summary>b = Δ₁/ε.</summary>
    public double Scale { get; }

    /// <param name="epsilon">ε &gt; 0, finite.</param>
    /// <param name="l1Sensitivity">Δ₁ &gt; 0, finite.</param>
    /// <param name="source">The random bits.</param>
    public static LaplaceMechanism ForEpsilon(double epsilon, double l1Sensitivity, NoiseSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be finite and positive.");
        }

        MechanismGuards.Sensitivity(l1Sensitivity, nameof(l1Sensitivity));
        return new LaplaceMechanism(l1Sensitivity / epsilon, source);
    }

    /// <summary>value + Laplace(0, b).</summary>
    public double Release(double value)
    {
        MechanismGuards.Finite(value, nameof(value));
        return value + (Scale * _source.NextStandardLaplace());
    }

    /// <summary>Independent noise on each coordinate; Δ₁ must bound the change of the whole vector.</summary>
    public void Release(ReadOnlySpan<double> values, Span<double> destination)
    {
        if (destination.Length < values.Length)
        {
            throw new ArgumentException("The destination is shorter than the values.", nameof(destination));
        }

        MechanismGuards.Finite(values, nameof(values));
        for (var i = 0; i < values.Length; i++)
        {
            destination[i] = values[i] + (Scale * _source.NextStandardLaplace());
        }
    }
}
