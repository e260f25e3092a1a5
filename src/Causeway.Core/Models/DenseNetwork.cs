using Causeway.Core.Data;
using Causeway.Core.Tensors;

namespace Causeway.Core.Models;

/// <summary>
/// A fully connected network described by a <see cref="ModelSpec"/>: dense layers with ReLU between them
/// and an output head (sigmoid, softmax or identity) chosen by the task.
/// </summary>
public sealed class DenseNetwork
{
    public DenseNetwork(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        throw new NotImplementedException();
    }

    public ModelSpec Spec { get; }

    public ParameterLayout Layout { get; } = null!;

    /// <summary>Seeded initialisation (He-uniform for ReLU layers, Glorot-uniform for the head; biases 0).</summary>
    public ParameterSet Initialize(ulong seed) => throw new NotImplementedException();

    /// <summary>
    /// Writes the head's outputs for <paramref name="rows"/> rows of row-major <paramref name="features"/>
    /// into <paramref name="outputs"/> (rows x Spec.Outputs): probabilities for classification, values for regression.
    /// </summary>
    public void Predict(ParameterSet parameters, ReadOnlySpan<float> features, int rows, Span<float> outputs) =>
        throw new NotImplementedException();

    /// <summary>
    /// The mean loss over the given rows of <paramref name="data"/>, and its gradient written into
    /// <paramref name="gradient"/> (overwritten, same layout). Dropout, when the spec has it, draws from <paramref name="random"/>.
    /// </summary>
    public double LossAndGradient(ParameterSet parameters, TabularData data, ReadOnlySpan<int> rows, ParameterSet gradient, Random random) =>
        throw new NotImplementedException();
}
