using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>The uniform mean a protected round hands to the server optimizer.</summary>
internal static class ProtectedMean
{
    /// <summary>Effectively computes <c>mean[i] = (float)(sum[i] / count)</c> in the model's layout.</summary>
    public static ParameterSet Of(ParameterLayout layout, ReadOnlySpan<double> sum, long count)
    {
        System.Diagnostics.Debug.Assert(sum.Length == layout.TotalLength && count > 0, "The round checks the length and the count.");
        var mean = new ParameterSet(layout);
        var values = mean.Values;
        double divisor = count;
        for (var i = 0; i < sum.Length; i++)
        {
            values[i] = (float)(sum[i] / divisor);
        }

        return mean;
    }
}
