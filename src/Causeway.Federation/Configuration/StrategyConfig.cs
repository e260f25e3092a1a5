using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Configuration;

/// <summary>
/// The <c>"strategy"</c> section. Hyper-parameters are null when absent, so that one given for a strategy that does
/// not use it is reported instead of silently ignored.
/// </summary>
public sealed record StrategyConfig
{
    /// <summary>The algorithm (<c>"fedavg"</c>, <c>"fedsgd"</c>, ...). Default fedavg.</summary>
    public StrategyKind Name { get; init; } = StrategyKind.FedAvg;

    /// <summary>FedProx's mu ≥ 0 (fedprox only). Default 0.01.</summary>
    public float? Mu { get; init; }

    /// <summary>Server learning rate η &gt; 0. Default 1, or 0.1 for fedadam, fedyogi and fedadagrad.</summary>
    public float? ServerLearningRate { get; init; }

    /// <summary>Server momentum in [0, 1) (fedavgm only). Default 0.9.</summary>
    public float? ServerMomentum { get; init; }

    /// <summary>First-moment decay in [0, 1) (fedadam, fedyogi, fedadagrad). Default 0.9.</summary>
    public float? Beta1 { get; init; }

    /// <summary>Second-moment decay in [0, 1) (fedadam, fedyogi). Default 0.99.</summary>
    public float? Beta2 { get; init; }

    /// <summary>Adaptivity τ &gt; 0 (fedadam, fedyogi, fedadagrad). Default 0.001.</summary>
    public float? Tau { get; init; }
}
