using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>The (weighted) mean a protected round hands to the server optimizer.</summary>
internal static class ProtectedMean
{
    /// <summary>Effectively computes <c>mean[i] = (float)(sum[i] / weight)</c> in the model's layout (weight: the accepted updates' total).</summary>
    public static ParameterSet Of(ParameterLayout layout, ReadOnlySpan<double> sum, double weight)
    {
        System.Diagnostics.Debug.Assert(sum.Length == layout.TotalLength && weight > 0, "The round checks the length and the weight.");
        var mean = new ParameterSet(layout);
        var values = mean.Values;
        var divisor = weight;
        for (var i = 0; i < sum.Length; i++)
        {
            values[i] = (float)(sum[i] / divisor);
        }

        return mean;
    }
}
