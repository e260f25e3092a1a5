using System.Buffers;
using System.Numerics.Tensors;
using Causeway.Core.Tensors;

namespace Causeway.Federation.Horizontal;

/// <summary>The second-moment rule that distinguishes FedAdagrad, FedAdam and FedYogi.</summary>
internal enum SecondMomentRule
{
    Adagrad,
    Adam,
    Yogi,
}

/// <summary>
/// The shared body of Reddi et al. 2021, Algorithm 2 ("Adaptive Federated Optimization"), over flat spans.
/// </summary>
/// <remarks>
/// <para>With Δ the aggregated delta (the negative pseudo-gradient) and all operations element-wise:</para>
/// <code>
/// m ← β1·m + (1 − β1)·Δ
/// v ← v + Δ²                                  (FedAdagrad)
/// v ← β2·v + (1 − β2)·Δ²                      (FedAdam)
/// v ← v − (1 − β2)·Δ²·sign(v − Δ²)            (FedYogi)
/// w ← w + η·m / (√v + τ)
/// </code>
/// <para>
/// As in the paper there is no bias correction; m starts at 0 and v at τ² (the algorithm requires v₋₁ ≥ τ²).
/// State layout: <c>m.{name}</c> for every model tensor, then <c>v.{name}</c>.
/// </para>
/// </remarks>
internal sealed class AdaptiveServerStep(SecondMomentRule rule, string name, float learningRate, float beta1, float beta2, float tau)
{
    private static readonly string[] Slots = ["m", "v"];
    private ParameterSet? _state;
    private ParameterLayout? _model;

    public ParameterSet Step(ParameterSet global, ParameterSet aggregatedDelta)
    {
        ServerOptimizerState.RequireCompatible(global, aggregatedDelta, _model);
        var n = global.Length;
        if (_state is null)
        {
            _model = global.Layout;
            _state = new ParameterSet(ServerOptimizerState.LayoutFor(_model, Slots));
            _state.Values[n..].Fill(tau * tau);
        }

        var m = _state.Values[..n];
        var v = _state.Values[n..];
        ReadOnlySpan<float> delta = aggregatedDelta.Values;
        var rented = ArrayPool<float>.Shared.Rent(n);
        try
        {
            var scratch = rented.AsSpan(0, n);
            TensorPrimitives.Multiply(m, beta1, m);
            TensorPrimitives.MultiplyAdd(delta, 1 - beta1, m, m);
            TensorPrimitives.Multiply(delta, delta, scratch);
            switch (rule)
            {
                case SecondMomentRule.Adagrad:
                    TensorPrimitives.Add(v, scratch, v);
                    break;
                case SecondMomentRule.Adam:
                    TensorPrimitives.Multiply(v, beta2, v);
                    TensorPrimitives.MultiplyAdd(scratch, 1 - beta2, v, v);
                    break;
                default:
                    // Yogi's additive, sign-controlled update (Zaheer et al. 2018) has no single TensorPrimitives call.
                    var rate = 1 - beta2;
                    for (var i = 0; i < v.Length; i++)
                    {
                        v[i] -= rate * scratch[i] * MathF.Sign(v[i] - scratch[i]);
                    }

                    break;
            }

            TensorPrimitives.Sqrt(v, scratch);
            TensorPrimitives.Add(scratch, tau, scratch);
            TensorPrimitives.Divide(m, scratch, scratch);
            var next = new ParameterSet(global.Layout);
            TensorPrimitives.MultiplyAdd(scratch, learningRate, global.Values, next.Values);
            return next;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    public ParameterSet? SaveState() => _state?.Clone();

    public void RestoreState(ParameterSet state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _model = ServerOptimizerState.ModelLayoutOf(state.Layout, Slots, name);
        _state = state.Clone();
    }
}
