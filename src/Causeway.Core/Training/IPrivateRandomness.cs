namespace Causeway.Core.Training;

/// <summary>A source of Gaussian noise for DP-SGD (see <see cref="DpSgd"/>).</summary>
/// <remarks>
/// The noise protects the party's examples only if whoever sees the trained model cannot predict it: an
/// implementation must draw from a cryptographically secure generator keyed from the operating system, never from
/// the run seed (the coordinator chooses and knows that seed). <c>Causeway.Privacy.Mechanisms.NoiseSource</c> is one.
/// </remarks>
public interface IGaussianNoise
{
    /// <summary>Adds independent N(0, <paramref name="standardDeviation"/>²) noise to every element of <paramref name="values"/>.</summary>
    /// <remarks>
    /// Effectively computes <c>values[i] = (float)(values[i] + standardDeviation · N(0, 1))</c>: each normal is drawn
    /// and scaled in double precision and the sum is rounded to float once.
    /// </remarks>
    /// <param name="values">The vector to perturb in place.</param>
    /// <param name="standardDeviation">σ ≥ 0, finite.</param>
    void AddGaussianNoise(Span<float> values, double standardDeviation);
}
