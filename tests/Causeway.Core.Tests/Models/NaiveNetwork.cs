using Causeway.Core.Models;
using Causeway.Core.Tensors;

namespace Causeway.Core.Tests.Models;

/// <summary>A plain scalar, double-precision reference of the dense network's forward pass and loss.</summary>
internal static class NaiveNetwork
{
    public static double[] Logits(ModelSpec spec, ParameterSet parameters, ReadOnlySpan<float> x) => Forward(spec, parameters, x, spec.Hidden.Count + 1);

    /// <summary>The last hidden layer's activations (after ReLU).</summary>
    public static double[] Embedding(ModelSpec spec, ParameterSet parameters, ReadOnlySpan<float> x) => Forward(spec, parameters, x, spec.Hidden.Count);

    // The first `run` layers; the output layer (when run) has no ReLU.
    private static double[] Forward(ModelSpec spec, ParameterSet parameters, ReadOnlySpan<float> x, int run)
    {
        var activation = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            activation[i] = x[i];
        }

        var layers = spec.Hidden.Count + 1;
        for (var layer = 0; layer < run; layer++)
        {
            var weights = parameters[$"layer{layer}.weight"];
            var bias = parameters[$"layer{layer}.bias"];
            var next = new double[bias.Length];
            for (var o = 0; o < next.Length; o++)
            {
                double sum = bias[o];
                for (var i = 0; i < activation.Length; i++)
                {
                    sum += weights[(o * activation.Length) + i] * activation[i];
                }

                next[o] = layer < layers - 1 ? Math.Max(sum, 0) : sum;
            }

            activation = next;
        }

        return activation;
    }

    public static double[] Outputs(ModelSpec spec, ParameterSet parameters, ReadOnlySpan<float> x)
    {
        var z = Logits(spec, parameters, x);
        switch (spec.Task)
        {
            case LearningTask.BinaryClassification:
                return [1 / (1 + Math.Exp(-z[0]))];
            case LearningTask.MulticlassClassification:
                var max = z.Max();
                var exp = z.Select(v => Math.Exp(v - max)).ToArray();
                var sum = exp.Sum();
                return [.. exp.Select(v => v / sum)];
            default:
                return z;
        }
    }

    public static double Loss(ModelSpec spec, ParameterSet parameters, ReadOnlySpan<float> x, float label)
    {
        var p = Outputs(spec, parameters, x);
        return spec.Task switch
        {
            LearningTask.BinaryClassification => -((label * Math.Log(p[0])) + ((1 - label) * Math.Log(1 - p[0]))),
            LearningTask.MulticlassClassification => -Math.Log(p[(int)label]),
            _ => 0.5 * (p[0] - label) * (p[0] - label),
        };
    }
}
