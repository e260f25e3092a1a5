namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// A small fully connected network trained by plain SGD: layers W·x + b with ReLU between them and a linear last layer.
/// It backpropagates a gradient given at its output and returns the gradient at its input, which is what a split
/// network's bottom and top models need (Core's <c>DenseNetwork</c> computes a loss gradient but not an input gradient).
/// </summary>
internal sealed class DenseStack
{
    private readonly int[] _sizes;
    private readonly float[][] _weights;
    private readonly float[][] _biases;
    private float[][] _activations = [];

    /// <summary>He-uniform initialisation from <paramref name="random"/>, biases zero.</summary>
    public DenseStack(IReadOnlyList<int> sizes, Random random)
    {
        _sizes = [.. sizes];
        _weights = new float[_sizes.Length - 1][];
        _biases = new float[_sizes.Length - 1][];
        for (var l = 0; l < _weights.Length; l++)
        {
            var bound = Math.Sqrt(6.0 / _sizes[l]);
            _weights[l] = new float[_sizes[l] * _sizes[l + 1]];
            for (var k = 0; k < _weights[l].Length; k++)
            {
                _weights[l][k] = (float)(((random.NextDouble() * 2) - 1) * bound);
            }

            _biases[l] = new float[_sizes[l + 1]];
        }
    }

    public int Inputs => _sizes[0];

    /// <summary>Copies of the layers, first to last (ReLU between them, none after the last).</summary>
    public IReadOnlyList<Core.Models.DenseLayer> Layers =>
        [.. _weights.Select((w, l) => new Core.Models.DenseLayer((float[])w.Clone(), (float[])_biases[l].Clone(), _sizes[l], _sizes[l + 1]))];

    public int Outputs => _sizes[^1];

    /// <summary>The outputs for <paramref name="rows"/> input rows (row-major); keeps the activations for <see cref="Backward"/>.</summary>
    public float[] Forward(float[] input, int rows)
    {
        _activations = new float[_sizes.Length][];
        _activations[0] = input;
        for (var l = 0; l < _weights.Length; l++)
        {
            var (inputs, outputs) = (_sizes[l], _sizes[l + 1]);
            var x = _activations[l];
            var y = new float[rows * outputs];
            var last = l == _weights.Length - 1;
            for (var i = 0; i < rows; i++)
            {
                for (var o = 0; o < outputs; o++)
                {
                    var sum = _biases[l][o];
                    for (var k = 0; k < inputs; k++)
                    {
                        sum += x[(i * inputs) + k] * _weights[l][(k * outputs) + o];
                    }

                    y[(i * outputs) + o] = last ? sum : Math.Max(0f, sum);
                }
            }

            _activations[l + 1] = y;
        }

        return _activations[^1];
    }

    /// <summary>Given ∂L/∂output (already divided by the batch size), steps every layer by SGD and returns ∂L/∂input.</summary>
    public float[] Backward(float[] outputGradient, int rows, double learningRate)
    {
        var gradient = outputGradient;
        for (var l = _weights.Length - 1; l >= 0; l--)
        {
            var (inputs, outputs) = (_sizes[l], _sizes[l + 1]);
            var x = _activations[l];
            var inputGradient = new float[rows * inputs];
            var weightGradient = new float[_weights[l].Length];
            var biasGradient = new float[outputs];
            for (var i = 0; i < rows; i++)
            {
                for (var o = 0; o < outputs; o++)
                {
                    var g = gradient[(i * outputs) + o];
                    if (g == 0f)
                    {
                        continue;
                    }

                    biasGradient[o] += g;
                    for (var k = 0; k < inputs; k++)
                    {
                        weightGradient[(k * outputs) + o] += x[(i * inputs) + k] * g;
                        inputGradient[(i * inputs) + k] += _weights[l][(k * outputs) + o] * g;
                    }
                }
            }

            if (l > 0)
            {
                // ReLU of the layer below: no gradient where it was inactive.
                for (var k = 0; k < inputGradient.Length; k++)
                {
                    if (x[k] <= 0f)
                    {
                        inputGradient[k] = 0f;
                    }
                }
            }

            var step = (float)learningRate;
            for (var k = 0; k < weightGradient.Length; k++)
            {
                _weights[l][k] -= step * weightGradient[k];
            }

            for (var o = 0; o < outputs; o++)
            {
                _biases[l][o] -= step * biasGradient[o];
            }

            gradient = inputGradient;
        }

        return gradient;
    }
}
