namespace Causeway.Core.Models;

/// <summary>One fully connected layer, y = x·W + b, as a split network's parts hold them (for export).</summary>
/// <param name="Weights">W, <paramref name="Inputs"/> × <paramref name="Outputs"/>, row-major (W[k, o] at k·outputs + o).</param>
/// <param name="Biases">b, one per output.</param>
/// <param name="Inputs">The layer's input width.</param>
/// <param name="Outputs">The layer's output width.</param>
public sealed record DenseLayer(float[] Weights, float[] Biases, int Inputs, int Outputs);
