namespace Causeway.Privacy.Mechanisms;

/// <summary>Noise scales for the classic Gaussian mechanism.</summary>
public static class GaussianCalibration
{
    /// <summary>
    /// σ = Δ₂ · √(2 ln(1.25/δ)) / ε, which makes the Gaussian mechanism (ε, δ)-DP for ε in (0, 1)
    /// (Dwork and Roth 2014, Theorem A.1). The theorem does not cover ε ≥ 1; use the RDP accountant
    /// (<see cref="Accounting.SampledGaussianRdp"/> with q = 1) for larger ε or for composition.
    /// </summary>
    /// <param name="epsilon">ε in (0, 1).</param>
    /// <param name="delta">δ in (0, 1).</param>
    /// <param name="l2Sensitivity">Δ₂ &gt; 0, finite.</param>
    public static double ClassicSigma(double epsilon, double delta, double l2Sensitivity = 1.0)
    {
        if (!(epsilon is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "The classic Gaussian mechanism needs epsilon in (0, 1).");
        }

        if (!(delta is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "Delta must be in (0, 1).");
        }

        MechanismGuards.Sensitivity(l2Sensitivity, nameof(l2Sensitivity));
        return l2Sensitivity * Math.Sqrt(2 * Math.Log(1.25 / delta)) / epsilon;
    }
}
