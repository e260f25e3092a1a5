namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// The public, bounded weight of a protected update: a party pre-multiplies its delta by it and the coordinator divides
/// the unprotected sum by the accepted updates' total weight, so the mean is example-weighted like FedAvg's while every
/// coordinate stays within the bound the ring (secure aggregation) or the fixed-point encoding (Paillier) relies on.
/// </summary>
public static class UpdateWeight
{
    /// <summary>min(examples, cap) / cap in (0, 1]; 1 (uniform) without a cap.</summary>
    /// <remarks>With a cap at least every party's example count this is n_k / cap, and Σ w_k Δ_k / Σ w_k is FedAvg's mean.</remarks>
    public static double Of(int examples, double? cap) => cap is { } c ? Math.Min(examples, c) / c : 1;
}
