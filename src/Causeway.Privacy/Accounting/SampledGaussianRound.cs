namespace Causeway.Privacy.Accounting;

/// <summary>
/// Steps of the sampled Gaussian mechanism run with one setting: in DP-FedAvg a round samples each
/// party (or record) with probability <see cref="SamplingRate"/> and adds noise of standard deviation
/// <see cref="NoiseMultiplier"/> × clipping bound to the sum of clipped updates.
/// </summary>
public sealed record SampledGaussianRound
{
    /// <param name="noiseMultiplier">σ ≥ 0 (finite): noise standard deviation over the L2 clipping bound.</param>
    /// <param name="samplingRate">q in [0, 1]: the probability that a given record takes part in a step.</param>
    /// <param name="steps">How many steps ran with this setting (≥ 0).</param>
    public SampledGaussianRound(double noiseMultiplier, double samplingRate, long steps = 1)
    {
        SampledGaussianRdp.ValidateStep(samplingRate, noiseMultiplier);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        NoiseMultiplier = noiseMultiplier;
        SamplingRate = samplingRate;
        Steps = steps;
    }

    public double NoiseMultiplier { get; }

    public double SamplingRate { get; }

    public long Steps { get; }
}
