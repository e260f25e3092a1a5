using System.Diagnostics;

namespace Causeway.Core.Data;

/// <summary>Gamma and Dirichlet variates from an injected <see cref="Random"/>.</summary>
/// <remarks>
/// Gamma(shape, 1) by Marsaglia and Tsang, "A Simple Method for Generating Gamma Variables", ACM TOMS 26(3), 2000;
/// for shape &lt; 1 the boost Gamma(a) = Gamma(a + 1) * U^(1/a), kept in log space because for small shapes the
/// variate itself underflows to 0. Normals by Box–Muller.
/// </remarks>
internal static class GammaSampler
{
    /// <summary>The natural logarithm of a Gamma(shape, 1) variate.</summary>
    public static double LogGamma(double shape, Random random)
    {
        Debug.Assert(shape > 0 && double.IsFinite(shape), "The shape is validated by the caller.");
        if (shape < 1.0)
        {
            return LogGamma(shape + 1.0, random) + (Math.Log(Uniform(random)) / shape);
        }

        var d = shape - (1.0 / 3.0);
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x, v;
            do
            {
                x = Normal(random);
                v = 1.0 + (c * x);
            }
            while (v <= 0.0);

            v = v * v * v;
            var u = Uniform(random);
            var x2 = x * x;
            if (u < 1.0 - (0.0331 * x2 * x2) || Math.Log(u) < (0.5 * x2) + (d * (1.0 - v + Math.Log(v))))
            {
                return Math.Log(d * v);
            }
        }
    }

    /// <summary>A Gamma(shape, 1) variate.</summary>
    public static double Gamma(double shape, Random random) => Math.Exp(LogGamma(shape, random));

    /// <summary>Fills <paramref name="destination"/> with a draw from the symmetric Dirichlet(alpha, ..., alpha).</summary>
    /// <remarks>Normalises Gamma(alpha) variates in log space (subtracting the maximum), so a tiny alpha still gives a valid point.</remarks>
    public static void Dirichlet(double alpha, Random random, Span<double> destination)
    {
        var max = double.NegativeInfinity;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = LogGamma(alpha, random);
            max = Math.Max(max, destination[i]);
        }

        var total = 0.0;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = Math.Exp(destination[i] - max);
            total += destination[i];
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] /= total;
        }
    }

    /// <summary>A uniform variate in (0, 1): never 0, so its logarithm is finite.</summary>
    private static double Uniform(Random random)
    {
        double u;
        do
        {
            u = random.NextDouble();
        }
        while (u == 0.0);

        return u;
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(Uniform(random))) * Math.Cos(2.0 * Math.PI * random.NextDouble());
}
