using System.Diagnostics;

namespace Causeway.Privacy.Accounting;

/// <summary>
/// Rényi differential privacy of the sampled Gaussian mechanism: each record joins a step's batch
/// independently with probability q (Poisson subsampling), the batch's sum has L2 sensitivity 1 after
/// clipping, and Gaussian noise of standard deviation σ (the noise multiplier) is added.
/// </summary>
/// <remarks>
/// Mironov, Talwar and Zhang 2019, "Rényi Differential Privacy of the Sampled Gaussian Mechanism"
/// (arXiv:1908.10530): RDP(α) = log(A_α) / (α − 1) with A_α = E_{z∼μ0}[((1−q) + q·μ1(z)/μ0(z))^α].
/// Integer α: A_α = Σ_{i=0..α} C(α,i) (1−q)^{α−i} q^i exp((i²−i)/(2σ²)) (their §3.3).
/// Fractional α: the two-sided series of their §3.3 with z0 = σ² ln(1/q − 1) + 1/2 and erfc tails,
/// summed until a term falls below e^−30. Every sum is carried in log space, as TF-Privacy's
/// <c>_compute_log_a_int</c> / <c>_compute_log_a_frac</c> do, so no term overflows at α = 512.
/// Composition over T steps is additive: RDP_T(α) = T · RDP(α).
/// </remarks>
public static class SampledGaussianRdp
{
    /// <summary>RDP at <paramref name="order"/> of one step.</summary>
    /// <param name="samplingRate">q in [0, 1]; 0 is no access (RDP 0), 1 is the plain Gaussian mechanism (α/(2σ²)).</param>
    /// <param name="noiseMultiplier">σ ≥ 0, the noise's standard deviation over the L2 sensitivity; 0 gives +∞.</param>
    /// <param name="order">α &gt; 1.</param>
    public static double Compute(double samplingRate, double noiseMultiplier, double order)
    {
        ValidateStep(samplingRate, noiseMultiplier);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(order, 1.0);
        ArgumentOutOfRangeException.ThrowIfEqual(double.IsFinite(order), false, nameof(order));
        return ComputeCore(samplingRate, noiseMultiplier, order);
    }

    /// <summary>
    /// RDP of <paramref name="steps"/> composed steps at each of <paramref name="orders"/>, written to
    /// <paramref name="destination"/> (effectively destination[k] = steps · Compute(q, σ, orders[k])).
    /// </summary>
    public static void Compute(double samplingRate, double noiseMultiplier, long steps, ReadOnlySpan<double> orders, Span<double> destination)
    {
        ValidateStep(samplingRate, noiseMultiplier);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ValidateOrders(orders);
        if (destination.Length < orders.Length)
        {
            throw new ArgumentException("The destination is shorter than the list of orders.", nameof(destination));
        }

        for (var k = 0; k < orders.Length; k++)
        {
            var perStep = ComputeCore(samplingRate, noiseMultiplier, orders[k]);
            destination[k] = steps == 0 ? 0 : perStep * steps;
        }
    }

    internal static void ValidateStep(double samplingRate, double noiseMultiplier)
    {
        if (!(samplingRate is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(samplingRate), samplingRate, "The sampling rate must be in [0, 1].");
        }

        if (!(noiseMultiplier >= 0) || double.IsPositiveInfinity(noiseMultiplier))
        {
            throw new ArgumentOutOfRangeException(nameof(noiseMultiplier), noiseMultiplier, "The noise multiplier must be finite and non-negative.");
        }
    }

    internal static void ValidateOrders(ReadOnlySpan<double> orders)
    {
        if (orders.IsEmpty)
        {
            throw new ArgumentException("At least one order is needed.", nameof(orders));
        }

        foreach (var order in orders)
        {
            if (!(order > 1) || !double.IsFinite(order))
            {
                throw new ArgumentOutOfRangeException(nameof(orders), order, "Every order must be finite and greater than 1.");
            }
        }
    }

    private static double ComputeCore(double q, double sigma, double order)
    {
        if (q == 0)
        {
            return 0;
        }

        if (sigma == 0)
        {
            return double.PositiveInfinity;
        }

        if (q == 1)
        {
            return order / (2 * sigma * sigma);
        }

        var logA = double.IsInteger(order) && order <= int.MaxValue ? LogAInteger(q, sigma, (int)order) : LogAFractional(q, sigma, order);
        return logA / (order - 1);
    }

    private static double LogAInteger(double q, double sigma, int order)
    {
        var logQ = Math.Log(q);
        var logOneMinusQ = LogSpace.LogOnePlus(-q);
        var twoSigmaSquared = 2 * sigma * sigma;
        var logA = double.NegativeInfinity;
        var logBinomial = 0.0;
        for (var i = 0; i <= order; i++)
        {
            if (i > 0)
            {
                logBinomial += Math.Log(order - i + 1) - Math.Log(i);
            }

            var term = logBinomial + (i * logQ) + ((order - i) * logOneMinusQ) + (((double)i * i) - i) / twoSigmaSquared;
            logA = LogSpace.Add(logA, term);
        }

        return logA;
    }

    private static double LogAFractional(double q, double sigma, double order)
    {
        var logQ = Math.Log(q);
        var logOneMinusQ = LogSpace.LogOnePlus(-q);
        var twoSigmaSquared = 2 * sigma * sigma;
        var sqrtTwoSigma = Math.Sqrt(2) * sigma;
        var z0 = (sigma * sigma * Math.Log((1 / q) - 1)) + 0.5;
        var logHalf = Math.Log(0.5);

        var logA0 = double.NegativeInfinity;
        var logA1 = double.NegativeInfinity;
        var logAbsBinomial = 0.0;
        var binomialSign = 1;
        for (var i = 0; ; i++)
        {
            if (i > 0)
            {
                // C(α, i) = C(α, i−1) · (α − i + 1) / i, carried as sign and log magnitude.
                var factor = order - i + 1;
                logAbsBinomial += Math.Log(Math.Abs(factor)) - Math.Log(i);
                binomialSign *= Math.Sign(factor);
            }

            var j = order - i;
            var logT0 = logAbsBinomial + (i * logQ) + (j * logOneMinusQ);
            var logT1 = logAbsBinomial + (j * logQ) + (i * logOneMinusQ);
            var logE0 = logHalf + LogSpace.Erfc((i - z0) / sqrtTwoSigma);
            var logE1 = logHalf + LogSpace.Erfc((z0 - j) / sqrtTwoSigma);
            var logS0 = logT0 + (((double)i * i) - i) / twoSigmaSquared + logE0;
            var logS1 = logT1 + ((j * j) - j) / twoSigmaSquared + logE1;
            if (binomialSign > 0)
            {
                logA0 = LogSpace.Add(logA0, logS0);
                logA1 = LogSpace.Add(logA1, logS1);
            }
            else
            {
                logA0 = LogSpace.Subtract(logA0, logS0);
                logA1 = LogSpace.Subtract(logA1, logS1);
            }

            if (Math.Max(logS0, logS1) < -30)
            {
                break;
            }

            Debug.Assert(i < 100_000, "The fractional series did not converge.");
        }

        return LogSpace.Add(logA0, logA1);
    }
}
