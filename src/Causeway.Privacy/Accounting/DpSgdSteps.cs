using Causeway.Core.Training;

namespace Causeway.Privacy.Accounting;

/// <summary>
/// The sample-level privacy cost of one party's DP-SGD local training in one round (<see cref="DpSgd"/>), as steps of
/// the sampled Gaussian mechanism for <see cref="RdpAccountant.Add"/>.
/// </summary>
/// <remarks>
/// <para>
/// One round of local training runs <c>epochs × ⌈n / B⌉</c> steps, each adding N(0, σ²C²) to a sum of per-example
/// gradients clipped to C, so each is a sampled Gaussian step with noise multiplier σ and sampling rate q = B / n
/// (n examples, nominal batch size B = min(batch size, n), n for a full batch).
/// </para>
/// <para>
/// Assumption: the RDP bound (<see cref="SampledGaussianRdp"/>) is proven for Poisson sampling, where each example
/// joins each step independently with probability q. <c>LocalTrainer</c> instead shuffles once per epoch and cuts
/// fixed-size batches, as TF-Privacy's and Opacus's tutorials do; the reported ε is the customary approximation for
/// that scheme, not a proof for it. Either way the amplification by sampling needs the batches to be secret: the
/// shuffle comes from the party's private randomness (<see cref="IPrivateRandomness"/>), not from the run seed the
/// coordinator knows. Composition over rounds: add one result per round the party trained in. The
/// guarantee protects the party's examples in the released parameters only, not the example count or training loss
/// the party also reports.
/// </para>
/// </remarks>
public static class DpSgdSteps
{
    /// <summary>The steps of one round of local training over <paramref name="rows"/> examples.</summary>
    /// <param name="rows">n ≥ 1, the party's training examples.</param>
    /// <param name="batchSize">B ≥ 0; 0 means the whole local dataset in one batch (as <see cref="TrainingPlan.BatchSize"/>).</param>
    /// <param name="epochs">Passes over the data per round, ≥ 1.</param>
    /// <param name="noiseMultiplier">σ ≥ 0, finite.</param>
    public static SampledGaussianRound For(int rows, int batchSize, int epochs, double noiseMultiplier)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        var batch = batchSize == 0 ? rows : Math.Min(batchSize, rows);
        var stepsPerEpoch = (rows + (long)batch - 1) / batch;
        return new SampledGaussianRound(noiseMultiplier, (double)batch / rows, epochs * stepsPerEpoch);
    }

    /// <summary>The steps of one round of <paramref name="plan"/> over <paramref name="rows"/> examples.</summary>
    /// <exception cref="ArgumentException">The plan has no <see cref="TrainingPlan.DpSgd"/> setting (its steps have no privacy to account).</exception>
    public static SampledGaussianRound For(TrainingPlan plan, int rows)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.DpSgd is not { } dp)
        {
            throw new ArgumentException("The plan does not use DP-SGD.", nameof(plan));
        }

        return For(rows, plan.BatchSize, plan.Epochs, dp.NoiseMultiplier);
    }
}
