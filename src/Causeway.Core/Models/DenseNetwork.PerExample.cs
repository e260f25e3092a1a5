using Causeway.Core.Data;
using Causeway.Core.Tensors;

namespace Causeway.Core.Models;

/// <summary>Per-example gradient norms and the clipped gradient sum of DP-SGD (Abadi et al. 2016).</summary>
public sealed partial class DenseNetwork
{
    /// <summary>
    /// Writes into <paramref name="norms"/> the L2 norm of each listed example's loss gradient ‖∇_θ loss(f(x_r), y_r)‖,
    /// in the order of <paramref name="rows"/>. Dropout, when the spec has it, draws from <paramref name="random"/>.
    /// </summary>
    /// <remarks>
    /// Computed from one batched forward and backward pass without forming any example's gradient: for a dense layer
    /// the example's weight gradient is the outer product δ_r ⊗ x_r of the layer's output delta and input, so
    /// ‖g_r‖² = Σ_layers ‖δ_r‖²·(‖x_r‖² + 1), the + 1 being the bias (the "ghost norm", Goodfellow 2015).
    /// </remarks>
    public void ExampleGradientNorms(ParameterSet parameters, TabularData data, ReadOnlySpan<int> rows, Span<double> norms, Random random)
    {
        RequireBatch(parameters, data, rows, random);
        if (norms.Length < rows.Length)
        {
            throw new ArgumentException($"{rows.Length} rows need room for {rows.Length} norms, got {norms.Length}.", nameof(norms));
        }

        var dropout = Spec.Dropout > 0 ? random : null;
        for (var start = 0; start < rows.Length; start += ChunkRows)
        {
            var chunk = rows.Slice(start, Math.Min(ChunkRows, rows.Length - start));
            var input = GatherAndForward(parameters.Values, data, chunk, dropout);
            HeadLossAndDelta(chunk.Length, 1f);
            PropagateDeltas(parameters.Values, chunk.Length);
            var destination = norms.Slice(start, chunk.Length);
            ExampleGradientNormsSquared(input, chunk.Length, destination);
            foreach (ref var norm in destination)
            {
                norm = Math.Sqrt(norm);
            }
        }
    }

    /// <summary>
    /// The mean loss over the given rows, and the scaled sum of their clipped per-example gradients written into
    /// <paramref name="gradient"/> (overwritten, same layout). Dropout, when the spec has it, draws from <paramref name="random"/>.
    /// </summary>
    /// <remarks>
    /// Effectively computes <c>gradient = scale · Σ_r min(1, C/‖g_r‖)·g_r</c> with g_r = ∇_θ loss(f(x_r), y_r) and
    /// C = <paramref name="clipNorm"/>: the clipped sum of DP-SGD (Abadi et al. 2016), so no example moves the sum by
    /// more than C. The norms come from <see cref="ExampleGradientNorms"/>'s ghost-norm identity; because
    /// backpropagation is linear in each example's head delta, scaling that example's deltas at every layer by its
    /// factor before accumulating gives the clipped sum in the same single backward pass, at an extra cost of
    /// O(rows × Σ widths) over <see cref="LossAndGradient"/>. A clipped example is scaled to (1 − 10⁻⁶)·C so that
    /// float rounding of the norm cannot leave it above C. With a C above every norm and scale = 1/n this is the
    /// gradient of <see cref="LossAndGradient"/> (bit for bit for models without hidden layers).
    /// </remarks>
    /// <param name="parameters">The model's parameters.</param>
    /// <param name="data">The examples.</param>
    /// <param name="rows">The indices of the batch's examples in <paramref name="data"/>.</param>
    /// <param name="clipNorm">C &gt; 0, finite.</param>
    /// <param name="scale">Multiplies the sum (DP-SGD divides by the nominal batch size); positive and finite.</param>
    /// <param name="gradient">Receives the scaled clipped sum.</param>
    /// <param name="random">Dropout draws.</param>
    public double LossAndClippedGradient(
        ParameterSet parameters, TabularData data, ReadOnlySpan<int> rows, double clipNorm, float scale, ParameterSet gradient, Random random)
    {
        RequireBatch(parameters, data, rows, random);
        RequireLayout(gradient);
        if (!(clipNorm > 0) || !double.IsFinite(clipNorm))
        {
            throw new ArgumentOutOfRangeException(nameof(clipNorm), clipNorm, "The clip norm must be positive and finite.");
        }

        if (!(scale > 0) || !float.IsFinite(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be positive and finite.");
        }

        gradient.Values.Clear();
        Span<double> normsSquared = stackalloc double[ChunkRows];
        Span<float> factors = stackalloc float[ChunkRows];
        var dropout = Spec.Dropout > 0 ? random : null;
        double lossSum = 0;
        for (var start = 0; start < rows.Length; start += ChunkRows)
        {
            var chunk = rows.Slice(start, Math.Min(ChunkRows, rows.Length - start));
            var input = GatherAndForward(parameters.Values, data, chunk, dropout);
            lossSum += HeadLossAndDelta(chunk.Length, 1f);
            PropagateDeltas(parameters.Values, chunk.Length);
            ExampleGradientNormsSquared(input, chunk.Length, normsSquared);
            for (var r = 0; r < chunk.Length; r++)
            {
                var norm = Math.Sqrt(normsSquared[r]);
                factors[r] = norm > clipNorm ? (float)(clipNorm / norm * (1 - 1e-6) * scale) : scale;
            }

            ScaleExampleDeltas(chunk.Length, factors);
            AccumulateGradient(input, chunk.Length, gradient.Values);
        }

        return lossSum / rows.Length;
    }
}
