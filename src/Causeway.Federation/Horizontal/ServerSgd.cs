using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>Server SGD: <c>w ← w + η·Δ</c>. With η = 1 this is FedAvg (McMahan et al. 2017).</summary>
/// <remarks>
/// Δ is the aggregated delta, the negative of Reddi et al.'s pseudo-gradient (Reddi et al. 2021,
/// "Adaptive Federated Optimization", Algorithm 1 with SGD on the server). Keeps no state.
/// </remarks>
public sealed class ServerSgd : IServerOptimizer
{
    /// <param name="learningRate">The server learning rate η &gt; 0. Default 1 (FedAvg).</param>
    public ServerSgd(float learningRate = 1f)
    {
        ServerOptimizerGuards.RequirePositive(learningRate, nameof(learningRate));
        LearningRate = learningRate;
    }

    public float LearningRate { get; }

    public ParameterSet Step(ParameterSet global, ParameterSet aggregatedDelta, RoundInfo round)
    {
        ServerOptimizerState.RequireCompatible(global, aggregatedDelta, null);
        var next = new ParameterSet(global.Layout);
        TensorPrimitives.MultiplyAdd(aggregatedDelta.Values, LearningRate, global.Values, next.Values);
        return next;
    }

    public ParameterSet? SaveState() => null;

    public void RestoreState(ParameterSet state)
    {
        ArgumentNullException.ThrowIfNull(state);
        throw new ArgumentException("Server SGD keeps no state to restore.", nameof(state));
    }
}
