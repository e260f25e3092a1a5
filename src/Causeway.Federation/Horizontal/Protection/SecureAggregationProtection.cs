using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Secure aggregation (Bonawitz et al. 2017, semi-honest variant; see <c>Causeway.Privacy.SecureAggregation</c>) mapped
/// onto a round: rounds 0–1 (advertise keys, share keys) before training, round 2 (masked input) is the train task,
/// round 3 (unmasking) after collection. The coordinator learns the sum of the surviving parties' clipped, quantised
/// deltas and nothing else about any single one.
/// </summary>
/// <remarks>
/// Each party clips every coordinate of its delta to ±<see cref="Quantization"/>.ClipBound and quantises it with scale S
/// into Z_2^32; the mean is (Σ q_k mod 2^32, read as int32) / S / K for the K surviving updates, so it differs from the
/// plain mean by at most 1/(2S) per coordinate (plus the clipping). Updates count uniformly, or by their public bounded
/// weight (<see cref="WeightCap"/>).
/// </remarks>
/// <param name="Threshold">t, or null for the majority of each round's selected parties (⌊N/2⌋ + 1, at least 2).</param>
/// <param name="Quantization">The ring encoding of the deltas.</param>
/// <param name="WeightCap">The public weight bound (<see cref="UpdateWeight"/>); null weights updates uniformly.</param>
public sealed record SecureAggregationProtection(int? Threshold, FixedPointQuantization Quantization, double? WeightCap = null) : IUpdateProtection
{
    public string Name => "secagg";

    public IProtectedRound Begin(ProtectedRoundContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SecureAggregationProtectedRound(this, context);
    }

    /// <summary>The threshold in force for a round with <paramref name="selected"/> parties.</summary>
    public int ThresholdFor(int selected) => Threshold ?? SecureAggregationOptions.MajorityThreshold(selected);
}
