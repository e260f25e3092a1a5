using Causeway.Core.Training;

namespace Causeway.Federation.Configuration;

/// <summary>The <c>"training"</c> section: how each party trains locally per round.</summary>
public sealed record TrainingConfig
{
    /// <summary>Local epochs per round (≥ 1). Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Mini-batch size; 0 means full batch. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Local learning rate (&gt; 0). Default 0.05.</summary>
    public float LearningRate { get; init; } = 0.05f;

    /// <summary>The local optimizer (<c>"sgd"</c> or <c>"adam"</c>). Default sgd.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>SGD momentum in [0, 1) (sgd only). Default 0.</summary>
    public float Momentum { get; init; }

    /// <summary>L2 weight decay (≥ 0). Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>
    /// Leading layers neither trained nor sent (≥ 0): the body of a model started from a pretrained one
    /// (<c>causeway run start --init</c>). Default 0.
    /// </summary>
    public int FrozenLayers { get; init; }

    /// <summary>Trailing layers each party trains and keeps, never sent (≥ 0): FedPer's personal head. Default 0.</summary>
    public int PersonalLayers { get; init; }
}
