namespace Causeway.Federation.Horizontal.DifferentialPrivacy;

/// <summary>
/// What a party does to its delta before sending it, under client-level DP with noise at the parties: clip to an L2
/// norm of <see cref="ClipNorm"/>, then add N(0, <see cref="NoiseStandardDeviation"/>²) to every value. Sent with the
/// round's train task; the party answers whether its delta was within the clip norm before clipping (for adaptive
/// clipping).
/// </summary>
/// <param name="ClipNorm">S &gt; 0, this round's clip norm.</param>
/// <param name="NoiseStandardDeviation">The standard deviation of the noise each value gets, ≥ 0.</param>
public sealed record UpdatePrivacy(double ClipNorm, double NoiseStandardDeviation)
{
    /// <summary>Returns why the values cannot be used, naming them, or null.</summary>
    public string? Problem =>
        !(ClipNorm > 0 && double.IsFinite(ClipNorm)) ? $"the clip norm must be a positive number, got {ClipNorm}"
        : !(NoiseStandardDeviation >= 0 && double.IsFinite(NoiseStandardDeviation)) ? $"the noise standard deviation must be a non-negative number, got {NoiseStandardDeviation}"
        : null;
}
