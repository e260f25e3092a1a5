namespace Causeway.Core.Training;

/// <summary>
/// How a party trains locally in one round: epochs, batch size, optimizer, the FedProx term and DP-SGD.
/// </summary>
/// <remarks>
/// FedSGD (McMahan et al. 2017) is the plan with one epoch and a full batch (<see cref="BatchSize"/> = 0):
/// exactly one gradient step per round. FedProx (Li et al. 2020) adds (mu/2)·||w − w_global||² to the
/// local loss; <see cref="ProximalMu"/> = 0 disables it. <see cref="DpSgd"/> makes each step differentially
/// private with respect to the party's examples; it composes with every other setting.
/// </remarks>
public sealed record TrainingPlan
{
    /// <summary>Passes over the local data per round. Default 1.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Examples per mini-batch; 0 means the whole local dataset in one batch. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Step size of the local optimizer. Default 0.05.</summary>
    public float LearningRate { get; init; } = 0.05f;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>SGD momentum coefficient in [0, 1). Default 0 (plain SGD).</summary>
    public float Momentum { get; init; }

    /// <summary>L2 weight decay coefficient added to the gradient. Default 0.</summary>
    public float WeightDecay { get; init; }

    /// <summary>FedProx proximal coefficient mu ≥ 0. Default 0 (no proximal term).</summary>
    public float ProximalMu { get; init; }

    /// <summary>Per-example clipping and Gaussian noise (Abadi et al. 2016); null (the default) trains without them.</summary>
    public DpSgd? DpSgd { get; init; }

    /// <summary>
    /// Leading layers (counted from the input) that stay as the global model has them: not trained, and left out of the
    /// update a party sends (a pretrained body under a new head). Default 0.
    /// </summary>
    public int FrozenLayers { get; init; }

    /// <summary>
    /// Trailing layers (counted back from the output) that each party trains and keeps for itself, never sent: FedPer's
    /// personal head (Arivazhagan et al. 2019). Default 0.
    /// </summary>
    public int PersonalLayers { get; init; }

    /// <summary>Throws with a message naming the field when a value is out of range.</summary>
    public void Validate()
    {
        if (Epochs < 1)
        {
            throw new ArgumentException($"epochs must be at least 1, got {Epochs}.");
        }

        if (BatchSize < 0)
        {
            throw new ArgumentException($"batch size must be 0 (full batch) or positive, got {BatchSize}.");
        }

        if (!(LearningRate > 0) || !float.IsFinite(LearningRate))
        {
            throw new ArgumentException($"learning rate must be a positive finite number, got {LearningRate}.");
        }

        if (Momentum is < 0 or >= 1 || float.IsNaN(Momentum))
        {
            throw new ArgumentException($"momentum must be in [0, 1), got {Momentum}.");
        }

        if (WeightDecay < 0 || !float.IsFinite(WeightDecay))
        {
            throw new ArgumentException($"weight decay must be a non-negative finite number, got {WeightDecay}.");
        }

        if (ProximalMu < 0 || !float.IsFinite(ProximalMu))
        {
            throw new ArgumentException($"proximal mu must be a non-negative finite number, got {ProximalMu}.");
        }

        if (FrozenLayers < 0 || PersonalLayers < 0)
        {
            throw new ArgumentException($"frozen and personal layers must be 0 or more, got {FrozenLayers} and {PersonalLayers}.");
        }

        if (DpSgd is { } dp)
        {
            if (!(dp.ClipNorm > 0) || !double.IsFinite(dp.ClipNorm))
            {
                throw new ArgumentException($"DP-SGD clip norm must be a positive finite number, got {dp.ClipNorm}.");
            }

            if (!(dp.NoiseMultiplier >= 0) || !double.IsFinite(dp.NoiseMultiplier))
            {
                throw new ArgumentException($"DP-SGD noise multiplier must be a non-negative finite number, got {dp.NoiseMultiplier}.");
            }
        }
    }
}
