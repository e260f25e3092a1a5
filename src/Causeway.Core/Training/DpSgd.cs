namespace Causeway.Core.Training;

/// <summary>
/// Sample-level differential privacy inside local training: DP-SGD (Abadi et al. 2016, Algorithm 1).
/// </summary>
/// <remarks>
/// <para>
/// Every step clips each example's gradient to L2 norm <see cref="ClipNorm"/> C, sums the clipped gradients, adds
/// N(0, σ²C²) to every coordinate of the sum (σ = <see cref="NoiseMultiplier"/>) and divides by the plan's nominal
/// batch size B (not by the possibly smaller last batch of an epoch), i.e. the optimizer sees
/// <c>(Σ_i min(1, C/‖g_i‖)·g_i + N(0, σ²C²·I)) / B</c>.
/// </para>
/// <para>
/// Weight decay and the FedProx term stay allowed: they are added to the noisy gradient and depend only on the
/// parameters and the round's global model, never on an example, so they are post-processing and do not change
/// the guarantee. Momentum and Adam are post-processing too. The privacy of one round of local training is
/// <c>epochs × ⌈n / B⌉</c> steps of the sampled Gaussian mechanism with rate B/n and noise multiplier σ
/// (see <c>Causeway.Privacy.Accounting.DpSgdSteps</c> for the sampling assumption).
/// </para>
/// </remarks>
public sealed record DpSgd
{
    /// <summary>The per-example L2 clipping bound C: positive and finite.</summary>
    public required double ClipNorm { get; init; }

    /// <summary>
    /// σ ≥ 0: the noise standard deviation over <see cref="ClipNorm"/>. 0 clips without noise (no privacy guarantee,
    /// useful to measure what clipping alone costs).
    /// </summary>
    public required double NoiseMultiplier { get; init; }
}
