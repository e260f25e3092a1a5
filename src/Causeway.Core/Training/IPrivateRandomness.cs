namespace Causeway.Core.Training;

/// <summary>The randomness of DP-SGD (see <see cref="DpSgd"/>): the Gaussian noise and the order the batches are cut from.</summary>
/// <remarks>
/// Both protect the party's examples only if whoever sees the trained model cannot predict them: the noise hides each
/// example's clipped gradient, and the secret order is what lets the accounting treat a step as sampling each example
/// with probability B/n (with an order known in advance, the batch that holds a given example is known, and that
/// amplification is lost). An implementation must therefore draw from a cryptographically secure generator keyed
/// from the operating system, never from the run seed (the coordinator chooses and knows that seed).
/// <c>Causeway.Privacy.Mechanisms.NoiseSource</c> is one.
/// </remarks>
public interface IPrivateRandomness
{
    /// <summary>Adds independent N(0, <paramref name="standardDeviation"/>²) noise to every element of <paramref name="values"/>.</summary>
    /// <remarks>
    /// Effectively computes <c>values[i] = (float)(values[i] + standardDeviation · N(0, 1))</c>: each normal is drawn
    /// and scaled in double precision and the sum is rounded to float once.
    /// </remarks>
    /// <param name="values">The vector to perturb in place.</param>
    /// <param name="standardDeviation">σ ≥ 0, finite.</param>
    void AddGaussianNoise(Span<float> values, double standardDeviation);

    /// <summary>Puts <paramref name="values"/> in a uniformly random order (each of the n! orders equally likely).</summary>
    void Shuffle(Span<int> values);
}
