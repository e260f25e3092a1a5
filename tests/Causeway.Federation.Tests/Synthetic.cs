using Causeway.Core.Data;

namespace Causeway.Federation.Tests;

/// <summary>Seeded synthetic datasets.</summary>
internal static class Synthetic
{
    /// <summary>
    /// Binary labels from a fixed linear rule on standard-normal features, flipped with probability
    /// <paramref name="noise"/>: the Bayes accuracy is 1 − noise.
    /// </summary>
    public static TabularData Logistic(int rows, int columns, int seed, double noise = 0.02)
    {
        var weights = new Random(12345);
        var w = Enumerable.Range(0, columns).Select(_ => (weights.NextDouble() * 2) - 1).ToArray();
        var random = new Random(seed);
        var features = new float[rows * columns];
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            double z = 0.3;
            for (var c = 0; c < columns; c++)
            {
                var x = Gaussian(random);
                features[(r * columns) + c] = (float)x;
                z += w[c] * x;
            }

            var label = z > 0 ? 1f : 0f;
            labels[r] = random.NextDouble() < noise ? 1 - label : label;
        }

        return new TabularData(features, labels, columns);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
