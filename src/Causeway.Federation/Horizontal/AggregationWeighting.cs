namespace Causeway.Federation.Horizontal;

/// <summary>How much each accepted update counts in a <see cref="WeightedMeanAggregator"/>.</summary>
public enum AggregationWeighting
{
    /// <summary>
    /// Weight n_k, the party's training examples (McMahan et al. 2017, FedAvg and FedSGD). The default.
    /// </summary>
    Examples,

    /// <summary>Every update counts once, whatever its size.</summary>
    Uniform,
}
