namespace Causeway.Privacy.Accounting;

/// <summary>How an RDP curve becomes an (ε, δ) guarantee; both take the minimum over the tracked orders.</summary>
public enum RdpConversion
{
    /// <summary>
    /// Mironov 2017, Proposition 3: ε = min_α RDP(α) + ln(1/δ)/(α − 1). The bound TF-Privacy's published
    /// tutorial epsilons were computed with.
    /// </summary>
    Classic,

    /// <summary>
    /// Balle, Barthe, Gaboardi, Hsu and Sato 2020 ("Hypothesis testing interpretations and Rényi
    /// differential privacy", Theorem 21): ε = min_α RDP(α) − (ln δ + ln α)/(α − 1) + ln((α − 1)/α),
    /// as in TF-Privacy's and Opacus' current <c>get_privacy_spent</c>; never larger than <see cref="Classic"/>
    /// for α ≥ 1.01 (orders below 1.01 are skipped, the bound being numerically unstable there).
    /// </summary>
    Balle2020,
}
