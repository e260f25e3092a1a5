using System.Numerics.Tensors;

namespace Causeway.Vectors;

/// <summary>
/// How a collection measures closeness. Every index reports a <b>distance</b>, smaller is closer, in the units that
/// hnswlib, FAISS and USearch report, so results and radii compare across engines.
/// </summary>
public enum VectorMetric
{
    /// <summary>Squared Euclidean distance, Σ (a_i − b_i)².</summary>
    L2,

    /// <summary>Inner product as a distance, 1 − a·b (for vectors the caller has scaled as it wants).</summary>
    InnerProduct,

    /// <summary>Cosine distance, 1 − a·b / (‖a‖ ‖b‖); 1 when either vector is zero.</summary>
    Cosine,
}

/// <summary>The distance functions of <see cref="VectorMetric"/>, on System.Numerics.Tensors' SIMD kernels.</summary>
public static class VectorDistance
{
    /// <summary>The distance between <paramref name="a"/> and <paramref name="b"/> (equal lengths) under <paramref name="metric"/>.</summary>
    public static float Of(VectorMetric metric, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => metric switch
    {
        VectorMetric.L2 => SquaredEuclidean(a, b),
        VectorMetric.InnerProduct => 1f - TensorPrimitives.Dot(a, b),
        VectorMetric.Cosine => CosineDistance(a, b),
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric."),
    };

    private static float SquaredEuclidean(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var d = TensorPrimitives.Distance(a, b);
        return d * d;
    }

    private static float CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var norms = TensorPrimitives.Norm(a) * TensorPrimitives.Norm(b);
        return norms > 0 ? 1f - (TensorPrimitives.Dot(a, b) / norms) : 1f;
    }
}
