using Causeway.Federation.Horizontal.Robust;

namespace Causeway.Federation.Horizontal;

/// <summary>The typed settings a <see cref="Strategy"/> is built from. Every default is stated on its property.</summary>
public sealed record StrategyOptions
{
    public StrategyKind Kind { get; init; } = StrategyKind.FedAvg;

    /// <summary>FedProx's proximal coefficient mu ≥ 0 (FedProx only). Default 0.01.</summary>
    public float ProximalMu { get; init; } = 0.01f;

    /// <summary>
    /// The server learning rate η &gt; 0. Null picks the preset's: 1 for FedAvg, FedSGD, FedProx and FedAvgM,
    /// 0.1 for the adaptive optimizers.
    /// </summary>
    public float? ServerLearningRate { get; init; }

    /// <summary>FedAvgM's server momentum β in [0, 1). Default 0.9.</summary>
    public float ServerMomentum { get; init; } = 0.9f;

    /// <summary>The adaptive optimizers' first-moment decay β1 in [0, 1). Default 0.9.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>FedAdam's and FedYogi's second-moment decay β2 in [0, 1). Default 0.99.</summary>
    public float Beta2 { get; init; } = 0.99f;

    /// <summary>The adaptive optimizers' adaptivity τ &gt; 0. Default 0.001.</summary>
    public float Tau { get; init; } = 1e-3f;

    /// <summary>The share of available parties selected each round, in (0, 1]. Default 1.</summary>
    public double Fraction { get; init; } = 1.0;

    /// <summary>The least number of parties selected each round (when available). Default 1.</summary>
    public int MinParties { get; init; } = 1;

    /// <summary>How updates are weighted in the mean. Default <see cref="AggregationWeighting.Examples"/>.</summary>
    public AggregationWeighting Weighting { get; init; } = AggregationWeighting.Examples;

    /// <summary>
    /// How a round's deltas are combined before the server optimizer steps with the result. Default: the streaming
    /// weighted mean, no norm bound.
    /// </summary>
    public AggregationOptions Aggregation { get; init; } = new();

    /// <summary>The server learning rate in force: <see cref="ServerLearningRate"/> or the preset's default.</summary>
    public float EffectiveServerLearningRate => ServerLearningRate ?? Kind switch
    {
        StrategyKind.FedAdam or StrategyKind.FedYogi or StrategyKind.FedAdagrad => 0.1f,
        _ => 1f,
    };
}
