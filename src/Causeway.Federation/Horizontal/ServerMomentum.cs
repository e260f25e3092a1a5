using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>
/// FedAvgM: server SGD with heavy-ball momentum (Hsu, Qi and Brown 2019, "Measuring the Effects of
/// Non-Identical Data Distribution for Federated Visual Classification").
/// </summary>
/// <remarks>
/// Effectively computes <c>v ← β·v + Δ; w ← w + η·v</c> with v starting at 0. The state is the velocity, one
/// tensor <c>m.{name}</c> per model tensor.
/// </remarks>
public sealed class ServerMomentum : IServerOptimizer
{
    private static readonly string[] Slots = ["m"];
    private ParameterSet? _velocity;
    private ParameterLayout? _model;

    /// <param name="learningRate">The server learning rate η &gt; 0. Default 1.</param>
    /// <param name="momentum">The momentum β in [0, 1). Default 0.9.</param>
    public ServerMomentum(float learningRate = 1f, float momentum = 0.9f)
    {
        ServerOptimizerGuards.RequirePositive(learningRate, nameof(learningRate));
        ServerOptimizerGuards.RequireDecay(momentum, nameof(momentum));
        LearningRate = learningRate;
        Momentum = momentum;
    }

    public float LearningRate { get; }

    public float Momentum { get; }

    public ParameterSet Step(ParameterSet global, ParameterSet aggregatedDelta, RoundInfo round)
    {
        ServerOptimizerState.RequireCompatible(global, aggregatedDelta, _model);
        if (_velocity is null)
        {
            _model = global.Layout;
            _velocity = new ParameterSet(ServerOptimizerState.LayoutFor(_model, Slots));
        }

        var velocity = _velocity.Values;
        TensorPrimitives.MultiplyAdd(velocity, Momentum, aggregatedDelta.Values, velocity);
        var next = new ParameterSet(global.Layout);
        TensorPrimitives.MultiplyAdd(velocity, LearningRate, global.Values, next.Values);
        return next;
    }

    public ParameterSet? SaveState() => _velocity?.Clone();

    public void RestoreState(ParameterSet state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _model = ServerOptimizerState.ModelLayoutOf(state.Layout, Slots, "FedAvgM");
        _velocity = state.Clone();
    }
}
