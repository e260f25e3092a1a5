namespace Causeway.Federation.Horizontal.Buffered;

/// <summary>The staleness weight s(τ) of an asynchronous update.</summary>
/// <remarks>
/// <para>
/// Effectively computes <c>s(τ) = (1 + τ)^−a</c> (<see cref="StalenessFunction.Polynomial"/>) or <c>s(τ) = 1</c>
/// (<see cref="StalenessFunction.Constant"/>), with τ = version applied to − version trained on ≥ 0.
/// </para>
/// <para>
/// Xie, Koyejo and Gupta 2019 ("Asynchronous Federated Optimization", FedAsync) mix the new model in with
/// α_t = α·s(t − τ) and propose the polynomial s_a(t − τ) = (t − τ + 1)^−a and a hinge function; Nguyen et al. 2022
/// ("Federated Learning with Buffered Asynchronous Aggregation", FedBuff) scale each buffered client update by
/// s(τ) = 1/√(1 + τ), the polynomial with a = 0.5, which is this type's default exponent.
/// </para>
/// </remarks>
public static class StalenessWeight
{
    /// <summary>s(τ) for <paramref name="function"/> with exponent <paramref name="exponent"/> (a ≥ 0, used by the polynomial only).</summary>
    /// <exception cref="ArgumentOutOfRangeException">τ is negative, or the exponent is negative or not finite.</exception>
    public static double Of(StalenessFunction function, int staleness, double exponent)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(staleness);
        if (!(exponent >= 0 && double.IsFinite(exponent)))
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "The staleness exponent must be a non-negative finite number.");
        }

        return function switch
        {
            StalenessFunction.Constant => 1,
            StalenessFunction.Polynomial => Math.Pow(1.0 + staleness, -exponent),
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, "Unknown staleness function."),
        };
    }
}
