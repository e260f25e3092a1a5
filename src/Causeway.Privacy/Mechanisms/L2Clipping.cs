using System.Numerics.Tensors;

namespace Causeway.Privacy.Mechanisms;

/// <summary>
/// Scales a vector into the L2 ball of radius C: x ← x · min(1, C / ‖x‖₂), as DP-FedAvg does to each
/// party's update (McMahan et al. 2018) so that one party changes the sum by at most C.
/// </summary>
public static class L2Clipping
{
    /// <summary>Clips <paramref name="vector"/> in place and returns its norm before clipping.</summary>
    /// <param name="vector">The update; every element finite.</param>
    /// <param name="bound">C &gt; 0, finite.</param>
    /// <remarks>
    /// The norm is accumulated in double precision and the scale shrunk by a relative 1e-6 (1e-12 for doubles),
    /// far more than the rounding of the products, so the clipped norm is ≤ C, not merely ≈ C.
    /// </remarks>
    public static double Clip(Span<float> vector, double bound)
    {
        MechanismGuards.Sensitivity(bound, nameof(bound));
        var sumOfSquares = 0.0;
        foreach (var value in vector)
        {
            if (!float.IsFinite(value))
            {
                throw new ArgumentException("The vector has a NaN or infinite element.", nameof(vector));
            }

            sumOfSquares += (double)value * value;
        }

        var norm = Math.Sqrt(sumOfSquares);
        if (norm > bound)
        {
            var scale = (float)(bound / norm * (1 - 1e-6));
            TensorPrimitives.Multiply(vector, scale, vector);
        }

        return norm;
    }

    /// <summary>Clips <paramref name="vector"/> in place and returns its norm before clipping.</summary>
    public static double Clip(Span<double> vector, double bound)
    {
        MechanismGuards.Sensitivity(bound, nameof(bound));
        foreach (var value in vector)
        {
            if (!double.IsFinite(value))
            {
                throw new ArgumentException("The vector has a NaN or infinite element.", nameof(vector));
            }
        }

        var norm = TensorPrimitives.Norm<double>(vector);
        if (norm > bound)
        {
            TensorPrimitives.Multiply(vector, bound / norm * (1 - 1e-12), vector);
        }

        return norm;
    }
}
