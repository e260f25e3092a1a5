using System.Diagnostics;
using System.Numerics.Tensors;

namespace Causeway.Core.Models;

/// <summary>The batched forward pass, the heads and backpropagation, over per-instance scratch buffers.</summary>
public sealed partial class DenseNetwork
{
    // _activations[0] holds the gathered input batch, _activations[i + 1] the output of layer i (the last one: logits).
    private readonly float[][] _activations;

    // _masks[i]: inverted-dropout multipliers (0 or 1/(1 − p)) applied after hidden layer i in the last training pass.
    private readonly float[][] _masks;
    // _deltas[i]: ∂L/∂z of layer i's pre-activation output z, one row per example; the last one is the head's ∂L/∂logits.
    private readonly float[][] _deltas;
    private float[] _labels = [];
    private int _capacity;
    private bool _dropoutApplied;

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
        {
            return;
        }

        var capacity = Math.Max(rows, Math.Min(ChunkRows, Math.Max(_capacity * 2, 16)));
        for (var i = 0; i < _widths.Length; i++)
        {
            _activations[i] = new float[capacity * _widths[i]];
        }

        for (var i = 0; i < LayerCount; i++)
        {
            _deltas[i] = new float[capacity * _widths[i + 1]];
        }

        for (var i = 0; i < LayerCount - 1; i++)
        {
            _masks[i] = Spec.Dropout > 0 ? new float[capacity * _widths[i + 1]] : [];
        }

        _labels = new float[capacity];
        _capacity = capacity;
    }

    /// <summary>Fills <c>_activations[1..]</c> for <paramref name="rows"/> rows of <paramref name="input"/>.</summary>
    private void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, int rows, Random? random)
    {
        Debug.Assert(rows <= _capacity, "EnsureCapacity runs before Forward.");
        _dropoutApplied = random is not null;
        var x = input;
        for (var layer = 0; layer < LayerCount; layer++)
        {
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            var weights = parameters[_weightRanges[layer]];
            var bias = parameters[_biasRanges[layer]];
            var y = _activations[layer + 1].AsSpan(0, rows * fanOut);

            // Weight row outer, example inner: one row of W stays in L1 while the batch (small) streams past it.
            for (var o = 0; o < fanOut; o++)
            {
                var weightRow = weights.Slice(o * fanIn, fanIn);
                for (var r = 0; r < rows; r++)
                {
                    y[(r * fanOut) + o] = TensorPrimitives.Dot(weightRow, x.Slice(r * fanIn, fanIn));
                }
            }

            for (var r = 0; r < rows; r++)
            {
                var row = y.Slice(r * fanOut, fanOut);
                TensorPrimitives.Add(row, bias, row);
            }

            if (layer < LayerCount - 1)
            {
                TensorPrimitives.Max(y, 0f, y);
                if (random is not null)
                {
                    ApplyDropout(y, _masks[layer].AsSpan(0, y.Length), random);
                }
            }

            x = y;
        }
    }

    private void ApplyDropout(Span<float> activations, Span<float> mask, Random random)
    {
        var p = Spec.Dropout;
        var scale = 1f / (1f - p);
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextSingle() < p ? 0f : scale;
        }

        TensorPrimitives.Multiply(activations, mask, activations);
    }

    /// <summary>Maps logits to the head's outputs: sigmoid, row-wise softmax, or identity.</summary>
    private void ApplyHead(ReadOnlySpan<float> logits, int rows, Span<float> destination)
    {
        switch (Spec.Task)
        {
            case LearningTask.BinaryClassification:
                for (var r = 0; r < rows; r++)
                {
                    destination[r] = Sigmoid(logits[r]);
                }

                break;
            case LearningTask.MulticlassClassification:
                var classes = Spec.Outputs;
                for (var r = 0; r < rows; r++)
                {
                    var row = destination.Slice(r * classes, classes);
                    var z = logits.Slice(r * classes, classes);
                    TensorPrimitives.Subtract(z, TensorPrimitives.Max(z), row);
                    TensorPrimitives.Exp(row, row);
                    TensorPrimitives.Divide(row, TensorPrimitives.Sum<float>(row), row);
                }

                break;
            default:
                logits.CopyTo(destination);
                break;
        }
    }

    /// <summary>
    /// Returns the summed loss of the chunk and writes ∂L/∂z (scaled by <paramref name="scale"/>) into the head's delta.
    /// </summary>
    private double HeadLossAndDelta(int rows, float scale)
    {
        var outputs = Spec.Outputs;
        var logits = _activations[LayerCount].AsSpan(0, rows * outputs);
        var delta = _deltas[LayerCount - 1].AsSpan(0, rows * outputs);
        double loss = 0;
        switch (Spec.Task)
        {
            case LearningTask.BinaryClassification:
                for (var r = 0; r < rows; r++)
                {
                    var z = logits[r];
                    var y = _labels[r];

                    // log(1 + e^z) − y·z written so that neither exponential can overflow.
                    loss += Math.Max(z, 0.0) - (y * (double)z) + Math.Log(1 + Math.Exp(-Math.Abs((double)z)));
                    delta[r] = (Sigmoid(z) - y) * scale;
                }

                break;
            case LearningTask.MulticlassClassification:
                for (var r = 0; r < rows; r++)
                {
                    var target = ClassIndex(_labels[r], outputs);
                    var z = logits.Slice(r * outputs, outputs);
                    var d = delta.Slice(r * outputs, outputs);
                    var max = TensorPrimitives.Max(z);
                    TensorPrimitives.Subtract(z, max, d);
                    TensorPrimitives.Exp(d, d);
                    var sum = TensorPrimitives.Sum<float>(d);

                    // −log softmax_k = log Σ e^(z − max) + max − z_k.
                    loss += Math.Log(sum) + max - z[target];
                    TensorPrimitives.Multiply(d, scale / sum, d);
                    d[target] -= scale;
                }

                break;
            default:
                for (var r = 0; r < rows; r++)
                {
                    var error = logits[r] - _labels[r];
                    loss += 0.5 * error * error;
                    delta[r] = error * scale;
                }

                break;
        }

        return loss;
    }

    /// <summary>Backpropagates the head's delta (∂L/∂logits) into the deltas of every layer below it.</summary>
    private void PropagateDeltas(ReadOnlySpan<float> parameters, int rows)
    {
        for (var layer = LayerCount - 1; layer > 0; layer--)
        {
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            var x = _activations[layer].AsSpan(0, rows * fanIn);
            var delta = _deltas[layer].AsSpan(0, rows * fanOut);
            var weights = parameters[_weightRanges[layer]];

            // ∂L/∂x[r, :] = Σ_o δ[r, o] · W[o, :], then through dropout and ReLU of the layer below.
            var next = _deltas[layer - 1].AsSpan(0, rows * fanIn);
            next.Clear();
            for (var r = 0; r < rows; r++)
            {
                var nextRow = next.Slice(r * fanIn, fanIn);
                for (var o = 0; o < fanOut; o++)
                {
                    var d = delta[(r * fanOut) + o];
                    if (d != 0)
                    {
                        TensorPrimitives.MultiplyAdd(weights.Slice(o * fanIn, fanIn), d, nextRow, nextRow);
                    }
                }
            }

            // x holds ReLU(z)·mask: it is positive exactly where both the ReLU and the dropout mask let the gradient through.
            if (_dropoutApplied)
            {
                var mask = _masks[layer - 1].AsSpan(0, next.Length);
                for (var i = 0; i < next.Length; i++)
                {
                    next[i] = x[i] > 0 ? next[i] * mask[i] : 0f;
                }
            }
            else
            {
                for (var i = 0; i < next.Length; i++)
                {
                    if (!(x[i] > 0))
                    {
                        next[i] = 0f;
                    }
                }
            }
        }
    }

    /// <summary>Adds every layer's gradient, Σ_r δ[r] ⊗ x[r] for the weights and Σ_r δ[r] for the bias, into <paramref name="gradient"/>.</summary>
    private void AccumulateGradient(ReadOnlySpan<float> input, int rows, Span<float> gradient)
    {
        for (var layer = LayerCount - 1; layer >= 0; layer--)
        {
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            var x = layer == 0 ? input : _activations[layer].AsSpan(0, rows * fanIn);
            var delta = _deltas[layer].AsSpan(0, rows * fanOut);
            var weightGradient = gradient[_weightRanges[layer]];
            var biasGradient = gradient[_biasRanges[layer]];

            // ∂L/∂W[o, :] += Σ_r δ[r, o] · x[r, :], one gradient row at a time so that it stays in L1.
            for (var o = 0; o < fanOut; o++)
            {
                var gradientRow = weightGradient.Slice(o * fanIn, fanIn);
                for (var r = 0; r < rows; r++)
                {
                    var d = delta[(r * fanOut) + o];
                    if (d != 0)
                    {
                        TensorPrimitives.MultiplyAdd(x.Slice(r * fanIn, fanIn), d, gradientRow, gradientRow);
                    }
                }
            }

            for (var r = 0; r < rows; r++)
            {
                TensorPrimitives.Add(biasGradient, delta.Slice(r * fanOut, fanOut), biasGradient);
            }
        }
    }

    /// <summary>
    /// Writes each example's squared gradient norm ‖g_r‖² from the current activations and deltas, without forming the gradients.
    /// </summary>
    /// <remarks>
    /// Layer l's part of g_r is the outer product δ_r ⊗ x_r (weights) and δ_r (bias), whose squared Frobenius norm is
    /// ‖δ_r‖²·‖x_r‖² + ‖δ_r‖², so ‖g_r‖² = Σ_l ‖δ_r^l‖²·(‖x_r^l‖² + 1) (the "ghost norm" of Goodfellow 2015). Summed in
    /// double precision.
    /// </remarks>
    private void ExampleGradientNormsSquared(ReadOnlySpan<float> input, int rows, Span<double> destination)
    {
        destination[..rows].Clear();
        for (var layer = 0; layer < LayerCount; layer++)
        {
            int fanIn = _widths[layer], fanOut = _widths[layer + 1];
            var x = layer == 0 ? input : _activations[layer].AsSpan(0, rows * fanIn);
            var delta = _deltas[layer].AsSpan(0, rows * fanOut);
            for (var r = 0; r < rows; r++)
            {
                destination[r] += SumOfSquares(delta.Slice(r * fanOut, fanOut)) * (SumOfSquares(x.Slice(r * fanIn, fanIn)) + 1);
            }
        }
    }

    /// <summary>Multiplies example r's delta at every layer by <paramref name="factors"/>[r], which scales its whole gradient.</summary>
    private void ScaleExampleDeltas(int rows, ReadOnlySpan<float> factors)
    {
        for (var layer = 0; layer < LayerCount; layer++)
        {
            var fanOut = _widths[layer + 1];
            var delta = _deltas[layer].AsSpan(0, rows * fanOut);
            for (var r = 0; r < rows; r++)
            {
                var row = delta.Slice(r * fanOut, fanOut);
                TensorPrimitives.Multiply(row, factors[r], row);
            }
        }
    }

    private static double SumOfSquares(ReadOnlySpan<float> values)
    {
        double sum = 0;
        foreach (var value in values)
        {
            sum += (double)value * value;
        }

        return sum;
    }

    private static float Sigmoid(float z) => z >= 0 ? 1f / (1f + MathF.Exp(-z)) : MathF.Exp(z) / (1f + MathF.Exp(z));

    private static int ClassIndex(float label, int classes)
    {
        var index = (int)label;
        if (index != label || index < 0 || index >= classes)
        {
            throw new ArgumentException($"Label {label} is not a class index in [0, {classes}).");
        }

        return index;
    }
}
