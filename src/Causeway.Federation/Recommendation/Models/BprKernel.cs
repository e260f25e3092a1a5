using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Causeway.Federation.Recommendation.Models;

/// <summary>
/// The per-triple arithmetic of Bayesian personalised ranking with matrix factorisation (Rendle, Freudenthaler, Gantner
/// and Schmidt-Thieme 2009, "BPR: Bayesian Personalized Ranking from Implicit Feedback", UAI, section 4 and
/// Algorithm 1), with an item bias.
/// </summary>
/// <remarks>
/// <para>
/// For user u, a positive item i (one the user rated) and a sampled negative j (one they did not), the model scores
/// <c>x̂_ui = b_i + p_u·q_i</c>, and a triple's loss is
/// <c>−ln σ(x̂_uij) + ½λ(‖p_u‖² + ‖q_i‖² + ‖q_j‖² + b_i² + b_j²)</c> with <c>x̂_uij = x̂_ui − x̂_uj</c> and σ the logistic
/// function. With <c>s = σ(−x̂_uij)</c> its negative gradient is
/// </para>
/// <code>
/// −∂/∂p_u = s·(q_i − q_j) − λ·p_u
/// −∂/∂q_i = s·p_u − λ·q_i          −∂/∂b_i =  s − λ·b_i
/// −∂/∂q_j = −s·p_u − λ·q_j         −∂/∂b_j = −s − λ·b_j
/// </code>
/// <para>and an SGD step adds γ times it, every parameter from the old values.</para>
/// </remarks>
internal static class BprKernel
{
    /// <summary>Effectively computes <c>x̂_uij = (b_i − b_j) + p·q_i − p·q_j</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Margin(ReadOnlySpan<float> p, ReadOnlySpan<float> qi, float bi, ReadOnlySpan<float> qj, float bj) =>
        (bi - bj) + TensorPrimitives.Dot(p, qi) - TensorPrimitives.Dot(p, qj);

    /// <summary>σ(−x), the weight of a triple in the gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Weight(float margin) => 1f / (1f + MathF.Exp(margin));

    /// <summary>−ln σ(x) = ln(1 + e^(−x)), computed without overflow for large |x|.</summary>
    public static double Loss(float margin) => margin > 0 ? Math.Log(1 + Math.Exp(-margin)) : -margin + Math.Log(1 + Math.Exp(margin));

    /// <summary>One SGD step on the user and both items.</summary>
    public static void Step(float weight, Span<float> p, Span<float> qi, ref float bi, Span<float> qj, ref float bj, float rate, float regularization)
    {
        Debug.Assert(p.Length == qi.Length && p.Length == qj.Length, "All rows have the model's rank.");
        bi += rate * (weight - (regularization * bi));
        bj += rate * (-weight - (regularization * bj));
        for (var f = 0; f < p.Length; f++)
        {
            var pf = p[f];
            var qif = qi[f];
            var qjf = qj[f];
            p[f] = pf + (rate * ((weight * (qif - qjf)) - (regularization * pf)));
            qi[f] = qif + (rate * ((weight * pf) - (regularization * qif)));
            qj[f] = qjf + (rate * ((-weight * pf) - (regularization * qjf)));
        }
    }

    /// <summary>One SGD step on the user only, items fixed.</summary>
    public static void UserStep(float weight, Span<float> p, ReadOnlySpan<float> qi, ReadOnlySpan<float> qj, float rate, float regularization)
    {
        Debug.Assert(p.Length == qi.Length && p.Length == qj.Length, "All rows have the model's rank.");
        for (var f = 0; f < p.Length; f++)
        {
            p[f] += rate * ((weight * (qi[f] - qj[f])) - (regularization * p[f]));
        }
    }

    /// <summary>Adds one triple's negative item gradient to the accumulators of rows i and j.</summary>
    public static void AccumulateItemGradient(
        float weight, ReadOnlySpan<float> p, ReadOnlySpan<float> qi, float bi, ReadOnlySpan<float> qj, float bj, float regularization,
        Span<float> sumI, ref float biasSumI, Span<float> sumJ, ref float biasSumJ)
    {
        biasSumI += weight - (regularization * bi);
        biasSumJ += -weight - (regularization * bj);
        TensorPrimitives.MultiplyAdd(p, weight, sumI, sumI);
        TensorPrimitives.MultiplyAdd(qi, -regularization, sumI, sumI);
        TensorPrimitives.MultiplyAdd(p, -weight, sumJ, sumJ);
        TensorPrimitives.MultiplyAdd(qj, -regularization, sumJ, sumJ);
    }
}
