namespace Causeway.Privacy.Accounting;

/// <summary>Sums, differences and the complementary error function of numbers held as natural logarithms.</summary>
internal static class LogSpace
{
    private static readonly double LogSqrtPi = 0.5 * Math.Log(Math.PI);

    /// <summary>log(exp(x) + exp(y)) without overflow.</summary>
    public static double Add(double logX, double logY)
    {
        var (low, high) = logX < logY ? (logX, logY) : (logY, logX);
        return double.IsNegativeInfinity(low) ? high : LogOnePlusExp(low - high) + high;
    }

    /// <summary>log(exp(x) − exp(y)) for x ≥ y.</summary>
    /// <exception cref="ArithmeticException">x &lt; y: the difference would be negative (a numerical fault, not an input error).</exception>
    public static double Subtract(double logX, double logY)
    {
        if (logX < logY)
        {
            throw new ArithmeticException("The log-space difference is negative.");
        }

        if (double.IsNegativeInfinity(logY))
        {
            return logX;
        }

        if (logX == logY)
        {
            return double.NegativeInfinity;
        }

        // expm1 keeps the precision when x and y are close; for a huge gap exp(y) is negligible.
        var gap = logX - logY;
        return gap > 700 ? logX : Math.Log(ExpMinusOne(gap)) + logY;
    }

    /// <summary>
    /// log(erfc(x)) for every finite x, without underflow: a positive series for erf when |x| &lt; 2 and
    /// the Laplace continued fraction for the scaled erfc(x)·exp(x²) when |x| ≥ 2, so relative accuracy
    /// stays near 1e-14 far into the tail where erfc itself is below the smallest double.
    /// </summary>
    public static double Erfc(double x)
    {
        if (x >= 2)
        {
            return -(x * x) - LogSqrtPi - Math.Log(ContinuedFraction(x));
        }

        if (x > -2)
        {
            return Math.Log(1 - Erf(x));
        }

        // erfc(x) = 2 − erfc(−x), and erfc(−x) is tiny here.
        return Math.Log(2 - Math.Exp(Erfc(-x)));
    }

    /// <summary>erf(x) = 2/√π · exp(−x²) · Σ 2ⁿ x²ⁿ⁺¹ / (1·3·…·(2n+1)): all terms positive, no cancellation.</summary>
    private static double Erf(double x)
    {
        var magnitude = Math.Abs(x);
        var term = magnitude;
        var sum = term;
        var twoXSquared = 2 * magnitude * magnitude;
        for (var n = 1; term > sum * 1e-17; n++)
        {
            term *= twoXSquared / ((2 * n) + 1);
            sum += term;
        }

        var erf = 2 / Math.Sqrt(Math.PI) * Math.Exp(-(magnitude * magnitude)) * sum;
        return x < 0 ? -erf : erf;
    }

    /// <summary>
    /// g(x) with erfc(x) = exp(−x²) / (√π · g(x)), g(x) = x + (1/2)/(x + 1/(x + (3/2)/(x + …))),
    /// evaluated by the modified Lentz method.
    /// </summary>
    private static double ContinuedFraction(double x)
    {
        const double Tiny = 1e-300;
        var f = x;
        var c = x;
        var d = 0.0;
        for (var n = 1; n < 10_000; n++)
        {
            var a = n / 2.0;
            d = x + (a * d);
            d = Math.Abs(d) < Tiny ? 1 / Tiny : 1 / d;
            c = x + (a / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            var delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return f;
    }

    /// <summary>exp(x) − 1, accurate for small |x| (the BCL has no expm1 of its own precision).</summary>
    public static double ExpMinusOne(double x) => Math.Abs(x) < 1e-5 ? x + (0.5 * x * x) + (x * x * x / 6) : Math.Exp(x) - 1;

    /// <summary>log(1 + x), accurate for small |x|.</summary>
    public static double LogOnePlus(double x) => Math.Abs(x) < 1e-5 ? x - (0.5 * x * x) + (x * x * x / 3) : Math.Log(1 + x);

    private static double LogOnePlusExp(double negative) => negative < -37 ? Math.Exp(negative) : LogOnePlus(Math.Exp(negative));
}
