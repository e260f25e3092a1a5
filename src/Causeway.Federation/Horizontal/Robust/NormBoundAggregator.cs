using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal.Robust;

/// <summary>
/// Norm bounding (Sun et al. 2019, "Can You Really Backdoor Federated Learning?"): clips every delta to an L2 norm of
/// at most B before another aggregator folds it. Composes with any aggregator, streaming or buffering.
/// </summary>
/// <remarks>
/// <para>
/// Effectively computes <c>Δ_k ← Δ_k · min(1, B / ‖Δ_k‖₂)</c> for each update, then hands it to the inner aggregation.
/// Streaming and in place: the update's delta is owned by the aggregation it is handed to, so clipping costs one
/// read to take the norm and, when clipping, one read-write to scale; no memory beyond the inner aggregation's.
/// </para>
/// <para>The clipped norm equals B up to float rounding (relative error about 1e-7).</para>
/// </remarks>
public sealed class NormBoundAggregator : IAggregator
{
    /// <param name="inner">The aggregator that receives the clipped deltas.</param>
    /// <param name="bound">B &gt; 0, the largest L2 norm of a delta.</param>
    public NormBoundAggregator(IAggregator inner, float bound)
    {
        ArgumentNullException.ThrowIfNull(inner);
        if (!(bound > 0 && float.IsFinite(bound)))
        {
            throw new ArgumentOutOfRangeException(nameof(bound), bound, "The norm bound must be a positive finite number.");
        }

        Inner = inner;
        Bound = bound;
    }

    public IAggregator Inner { get; }

    /// <summary>B, the largest L2 norm a delta keeps.</summary>
    public float Bound { get; }

    public IAggregation Begin(ParameterSet destination, RoundInfo round) => new Aggregation(Inner.Begin(destination, round), Bound);

    /// <summary>Scales <paramref name="delta"/> in place to an L2 norm of at most <paramref name="bound"/>; returns the norm it had.</summary>
    public static double Clip(Span<float> delta, float bound)
    {
        double norm = TensorPrimitives.Norm<float>(delta);
        if (!double.IsFinite(norm))
        {
            // Finite values whose squares overflow float: take the norm in double.
            var sum = 0.0;
            foreach (var value in delta)
            {
                sum += (double)value * value;
            }

            norm = Math.Sqrt(sum);
        }

        if (norm > bound)
        {
            TensorPrimitives.Multiply(delta, (float)(bound / norm), delta);
        }

        return norm;
    }

    private sealed class Aggregation(IAggregation inner, float bound) : IAggregation
    {
        public int Count => inner.Count;

        public string? Problem => inner.Problem;

        public void Accept(PartyUpdate update)
        {
            ArgumentNullException.ThrowIfNull(update);
            Clip(update.Delta.Values, bound);
            inner.Accept(update);
        }

        public ParameterSet Complete() => inner.Complete();
    }
}
