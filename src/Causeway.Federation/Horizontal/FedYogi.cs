using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// FedYogi (Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2): an adaptive server optimizer fed
/// with the aggregated delta as the negative pseudo-gradient.
/// </summary>
/// <remarks>
/// Effectively computes <c>m ← β1·m + (1 − β1)·Δ; v ← v − (1 − β2)·Δ²·sign(v − Δ²); w ← w + η·m / (√v + τ)</c>, element-wise, with
/// m starting at 0 and v at τ², and no bias correction (as in the paper). The state holds tensors
/// <c>m.{name}</c> then <c>v.{name}</c>.
/// </remarks>
public sealed class FedYogi : IServerOptimizer
{
    private readonly AdaptiveServerStep _step;

    /// <param name="learningRate">The server learning rate η &gt; 0. Default 0.1.</param>
    /// <param name="beta1">The first-moment decay β1 in [0, 1). Default 0.9.</param>
    /// <param name="beta2">The second-moment decay β2 in [0, 1). Default 0.99.</param>
    /// <param name="tau">The adaptivity τ &gt; 0 added to √v. Default 0.001.</param>
    public FedYogi(float learningRate = 0.1f, float beta1 = 0.9f, float beta2 = 0.99f, float tau = 1e-3f)
    {
        ServerOptimizerGuards.RequirePositive(learningRate, nameof(learningRate));
        ServerOptimizerGuards.RequireDecay(beta1, nameof(beta1));
        ServerOptimizerGuards.RequireDecay(beta2, nameof(beta2));
        ServerOptimizerGuards.RequirePositive(tau, nameof(tau));
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        Tau = tau;
        _step = new AdaptiveServerStep(SecondMomentRule.Yogi, "FedYogi", learningRate, beta1, beta2, tau);
    }

    public float LearningRate { get; }

    public float Beta1 { get; }

    public float Beta2 { get; }

    public float Tau { get; }

    public ParameterSet Step(ParameterSet global, ParameterSet aggregatedDelta, RoundInfo round) => _step.Step(global, aggregatedDelta);

    public ParameterSet? SaveState() => _step.SaveState();

    public void RestoreState(ParameterSet state) => _step.RestoreState(state);
}
