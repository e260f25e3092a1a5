namespace Causeway.Federation.Configuration;

/// <summary>The <c>"round"</c> section: when a round closes.</summary>
public sealed record RoundConfig
{
    /// <summary>Seconds a round waits for updates before the rest count as stragglers (&gt; 0). Default 300.</summary>
    public double DeadlineSeconds { get; init; } = 300;

    /// <summary>The least number of accepted updates for a round to change the model (≥ 1). Default 1.</summary>
    public int MinResults { get; init; } = 1;

    /// <summary>
    /// The largest share of the run's rounds that may fail (close without changing the model: fewer than
    /// <see cref="MinResults"/> accepted updates, an aggregation rule that could not aggregate, no eligible party), in
    /// [0, 1]. The run fails as soon as more than ⌊maxDegradedFraction × rounds⌋ rounds have failed; 1 never fails it for
    /// its failed rounds. Default 0.5.
    /// </summary>
    public double MaxDegradedFraction { get; init; } = 0.5;

    /// <summary>
    /// The run fails as diverged when a round's mean training loss exceeds this many times the reference loss: the
    /// cross-entropy of an uninformed model for classification (ln 2 for a binary label, ln K for K classes), the first
    /// round's mean training loss for regression (&gt; 1). Non-finite losses and models always fail the run
    /// (Horizontal.DivergenceRule). Default 1e6.
    /// </summary>
    public double DivergenceLossFactor { get; init; } = 1e6;
}
