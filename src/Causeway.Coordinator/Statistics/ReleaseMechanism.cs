namespace Causeway.Coordinator.Statistics;

/// <summary>The noise a statistics release adds.</summary>
public enum ReleaseMechanism
{
    /// <summary>Laplace noise of scale Δ₁/ε: ε-DP (δ = 0).</summary>
    Laplace,

    /// <summary>Gaussian noise of σ = Δ₂·√(2 ln(1.25/δ))/ε: (ε, δ)-DP for ε in (0, 1).</summary>
    Gaussian,
}
