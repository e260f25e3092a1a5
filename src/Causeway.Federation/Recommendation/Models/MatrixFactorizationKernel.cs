using System.Diagnostics;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Causeway.Federation.Recommendation.Models;

/// <summary>
/// The per-rating arithmetic of biased matrix factorisation (Koren, Bell and Volinsky 2009, "Matrix Factorization
/// Techniques for Recommender Systems", IEEE Computer 42(8), equations 4 and 5).
/// </summary>
/// <remarks>
/// <para>
/// The model is <c>r̂_ui = μ + b_u + b_i + p_u·q_i</c>; a rating's loss is
/// <c>½(r_ui − r̂_ui)² + ½λ(b_u² + b_i² + ‖p_u‖² + ‖q_i‖²)</c>, and the training loss is its sum over the training
/// ratings (the regulariser counted once per rating, as Surprise's SVD does). With <c>e = r_ui − r̂_ui</c> the
/// negative gradient of one rating's loss is
/// </para>
/// <code>
/// −∂/∂b_u = e − λ·b_u        −∂/∂p_u = e·q_i − λ·p_u
/// −∂/∂b_i = e − λ·b_i        −∂/∂q_i = e·p_u − λ·q_i
/// </code>
/// <para>
/// and an SGD step adds γ times it to every parameter, p_u and q_i from each other's old values (Surprise's SVD
/// update). The factor update is one fused pass over p_u and q_i: no TensorPrimitives call updates two spans from each
/// other's old values, and a pass of k = 32 floats is over before any call overhead would pay off.
/// </para>
/// </remarks>
internal static class MatrixFactorizationKernel
{
    /// <summary>Effectively computes <c>e = rating − (μ + b_u + b_i + p·q)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Error(float rating, float mu, float userBias, float itemBias, ReadOnlySpan<float> p, ReadOnlySpan<float> q) =>
        rating - (mu + userBias + itemBias + TensorPrimitives.Dot(p, q));

    /// <summary>
    /// One SGD step on both sides: <c>b_u += γ(e − λb_u); b_i += γ(e − λb_i); p += γ(e·q − λp); q += γ(e·p_old − λq)</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Step(float error, ref float userBias, ref float itemBias, Span<float> p, Span<float> q, float rate, float regularization)
    {
        Debug.Assert(p.Length == q.Length, "p and q have the model's rank.");
        userBias += rate * (error - (regularization * userBias));
        itemBias += rate * (error - (regularization * itemBias));
        var i = 0;
        ref var ps = ref MemoryMarshal.GetReference(p);
        ref var qs = ref MemoryMarshal.GetReference(q);
        if (Vector.IsHardwareAccelerated && p.Length >= Vector<float>.Count)
        {
            var e = new Vector<float>(error);
            var g = new Vector<float>(rate);
            var l = new Vector<float>(regularization);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var pv = Vector.LoadUnsafe(ref ps, (nuint)i);
                var qv = Vector.LoadUnsafe(ref qs, (nuint)i);
                (pv + (g * ((e * qv) - (l * pv)))).StoreUnsafe(ref ps, (nuint)i);
                (qv + (g * ((e * pv) - (l * qv)))).StoreUnsafe(ref qs, (nuint)i);
            }
        }

        for (; i < p.Length; i++)
        {
            ref var pf = ref Unsafe.Add(ref ps, i);
            ref var qf = ref Unsafe.Add(ref qs, i);
            var pOld = pf;
            pf += rate * ((error * qf) - (regularization * pOld));
            qf += rate * ((error * pOld) - (regularization * qf));
        }
    }

    /// <summary>One SGD step on the user side only, items fixed: <c>b_u += γ(e − λb_u); p += γ(e·q − λp)</c>.</summary>
    /// <remarks>The same arithmetic as the user half of <see cref="Step"/>.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void UserStep(float error, ref float userBias, Span<float> p, ReadOnlySpan<float> q, float rate, float regularization)
    {
        Debug.Assert(p.Length == q.Length, "p and q have the model's rank.");
        userBias += rate * (error - (regularization * userBias));
        var i = 0;
        ref var ps = ref MemoryMarshal.GetReference(p);
        ref var qs = ref MemoryMarshal.GetReference(q);
        if (Vector.IsHardwareAccelerated && p.Length >= Vector<float>.Count)
        {
            var e = new Vector<float>(error);
            var g = new Vector<float>(rate);
            var l = new Vector<float>(regularization);
            for (; i <= p.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var pv = Vector.LoadUnsafe(ref ps, (nuint)i);
                (pv + (g * ((e * Vector.LoadUnsafe(ref qs, (nuint)i)) - (l * pv)))).StoreUnsafe(ref ps, (nuint)i);
            }
        }

        for (; i < p.Length; i++)
        {
            ref var pf = ref Unsafe.Add(ref ps, i);
            pf += rate * ((error * Unsafe.Add(ref qs, i)) - (regularization * pf));
        }
    }

    /// <summary>
    /// Adds one rating's negative item gradient to an accumulator: <c>Δq += e·p − λq; Δb_i += e − λb_i</c>.
    /// </summary>
    public static void AccumulateItemGradient(float error, ReadOnlySpan<float> p, ReadOnlySpan<float> q, float itemBias, float regularization, Span<float> factorSum, ref float biasSum)
    {
        Debug.Assert(p.Length == q.Length && q.Length == factorSum.Length, "All rows have the model's rank.");
        biasSum += error - (regularization * itemBias);
        TensorPrimitives.MultiplyAdd(p, error, factorSum, factorSum);
        TensorPrimitives.MultiplyAdd(q, -regularization, factorSum, factorSum);
    }
}
