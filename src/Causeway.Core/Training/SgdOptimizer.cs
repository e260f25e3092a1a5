using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Core.Training;

/// <summary>Stochastic gradient descent with optional heavy-ball momentum (Polyak 1964).</summary>
/// <remarks>
/// Effectively computes <c>v = μ·v + g; w = w − η·v</c> (the PyTorch convention, v starting at 0);
/// with μ = 0 that is plain <c>w = w − η·g</c> and no velocity is allocated.
/// </remarks>
public sealed class SgdOptimizer : IOptimizer
{
    private readonly ParameterLayout _layout;
    private readonly float[]? _velocity;

    public SgdOptimizer(ParameterLayout layout, float learningRate, float momentum = 0f)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!(learningRate > 0) || !float.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        }

        if (momentum is < 0 or >= 1 || float.IsNaN(momentum))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "Momentum must be in [0, 1).");
        }

        _layout = layout;
        LearningRate = learningRate;
        Momentum = momentum;
        _velocity = momentum > 0 ? new float[layout.TotalLength] : null;
    }

    /// <summary>The step size η.</summary>
    public float LearningRate { get; }

    /// <summary>The momentum coefficient μ in [0, 1).</summary>
    public float Momentum { get; }

    public void Step(ParameterSet parameters, ParameterSet gradient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradient);
        Optimizers.RequireLayout(_layout, parameters, gradient);
        if (_velocity is null)
        {
            TensorPrimitives.MultiplyAdd(gradient.Values, -LearningRate, parameters.Values, parameters.Values);
            return;
        }

        TensorPrimitives.MultiplyAdd(_velocity, Momentum, gradient.Values, _velocity);
        TensorPrimitives.MultiplyAdd(_velocity, -LearningRate, parameters.Values, parameters.Values);
    }
}
