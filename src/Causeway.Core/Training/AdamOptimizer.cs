using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Core.Training;

/// <summary>Adam (Kingma and Ba 2015, Algorithm 1) with bias correction.</summary>
/// <remarks>
/// At step t (from 1) effectively computes
/// <c>m = β₁·m + (1 − β₁)·g; v = β₂·v + (1 − β₂)·g²; w = w − η·m̂ / (√v̂ + ε)</c>
/// with <c>m̂ = m / (1 − β₁ᵗ)</c> and <c>v̂ = v / (1 − β₂ᵗ)</c>.
/// </remarks>
public sealed class AdamOptimizer : IOptimizer
{
    private readonly ParameterLayout _layout;
    private readonly float[] _m;
    private readonly float[] _v;
    private readonly float[] _scratch;

    public AdamOptimizer(ParameterLayout layout, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (!(learningRate > 0) || !float.IsFinite(learningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be positive and finite.");
        }

        _layout = layout;
        LearningRate = learningRate;
        _m = new float[layout.TotalLength];
        _v = new float[layout.TotalLength];
        _scratch = new float[layout.TotalLength];
    }

    /// <summary>The step size η.</summary>
    public float LearningRate { get; }

    /// <summary>Decay of the first-moment estimate. Default 0.9.</summary>
    public float Beta1 { get; init; } = 0.9f;

    /// <summary>Decay of the second-moment estimate. Default 0.999.</summary>
    public float Beta2 { get; init; } = 0.999f;

    /// <summary>Added to √v̂ to keep the step bounded. Default 1e-8.</summary>
    public float Epsilon { get; init; } = 1e-8f;

    /// <summary>The number of steps taken so far.</summary>
    public int StepCount { get; private set; }

    public void Step(ParameterSet parameters, ParameterSet gradient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradient);
        Optimizers.RequireLayout(_layout, parameters, gradient);
        StepCount++;
        var g = gradient.Values;
        var scratch = _scratch.AsSpan();

        // Lerp(x, y, t) = x·(1 − t) + y·t: one pass per moment.
        TensorPrimitives.Lerp(_m, g, 1 - Beta1, _m);
        TensorPrimitives.Multiply(g, g, scratch);
        TensorPrimitives.Lerp(_v, scratch, 1 - Beta2, _v);

        var correction1 = 1 - Math.Pow(Beta1, StepCount);
        var correction2 = 1 - Math.Pow(Beta2, StepCount);

        // √v̂ + ε = √v / √(1 − β₂ᵗ) + ε, and the step is −η / (1 − β₁ᵗ) · m / (√v̂ + ε).
        TensorPrimitives.Sqrt<float>(_v, scratch);
        TensorPrimitives.Multiply(scratch, (float)(1 / Math.Sqrt(correction2)), scratch);
        TensorPrimitives.Add(scratch, Epsilon, scratch);
        TensorPrimitives.Divide(_m, scratch, scratch);
        TensorPrimitives.MultiplyAdd(scratch, (float)(-LearningRate / correction1), parameters.Values, parameters.Values);
    }
}
