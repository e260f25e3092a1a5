using Causeway.Core.Data;
using Causeway.Core.Models;

namespace Causeway.Core.Tests;

/// <summary>Small seeded datasets with known structure for training tests.</summary>
internal static class Synthetic
{
    /// <summary>Binary labels from the sign of w·x + b, with every point at least <paramref name="margin"/> from the plane.</summary>
    public static TabularData SeparableBinary(int rows, int columns, int seed, float margin = 0.3f)
    {
        var random = new Random(seed);
        var weights = new float[columns];
        for (var j = 0; j < columns; j++)
        {
            weights[j] = (float)Gaussian(random);
        }

        var norm = MathF.Sqrt(weights.Sum(w => w * w));
        var features = new float[rows * columns];
        var labels = new float[rows];
        for (var r = 0; r < rows;)
        {
            double dot = 0.2;
            for (var j = 0; j < columns; j++)
            {
                features[(r * columns) + j] = (float)Gaussian(random);
                dot += weights[j] * features[(r * columns) + j];
            }

            if (Math.Abs(dot) / norm < margin)
            {
                continue;
            }

            labels[r] = dot > 0 ? 1 : 0;
            r++;
        }

        return new TabularData(features, labels, columns);
    }

    /// <summary>Gaussian blobs (standard deviation <paramref name="spread"/>) around 3·e_(k mod columns) for class k.</summary>
    public static TabularData Blobs(int rows, int columns, int classes, int seed, double spread = 0.5)
    {
        var random = new Random(seed);
        var centres = new double[classes * columns];
        for (var k = 0; k < classes; k++)
        {
            centres[(k * columns) + (k % columns)] = 3;
        }

        var features = new float[rows * columns];
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var k = r % classes;
            labels[r] = k;
            for (var j = 0; j < columns; j++)
            {
                features[(r * columns) + j] = (float)(centres[(k * columns) + j] + (spread * Gaussian(random)));
            }
        }

        return new TabularData(features, labels, columns);
    }

    /// <summary>Targets y = Σ_j (j + 1)·x_j − 0.5 plus noise of standard deviation <paramref name="noise"/>.</summary>
    public static TabularData Linear(int rows, int columns, int seed, double noise = 0.01)
    {
        var random = new Random(seed);
        var features = new float[rows * columns];
        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            var y = -0.5 + (noise * Gaussian(random));
            for (var j = 0; j < columns; j++)
            {
                var x = Gaussian(random);
                features[(r * columns) + j] = (float)x;
                y += (j + 1) * x;
            }

            labels[r] = (float)y;
        }

        return new TabularData(features, labels, columns);
    }

    /// <summary>Uniform random features and labels fitting the task of <paramref name="spec"/> (for gradient and prediction checks).</summary>
    public static TabularData Random(ModelSpec spec, int rows, int seed)
    {
        var random = new Random(seed);
        var features = new float[rows * spec.Inputs];
        for (var i = 0; i < features.Length; i++)
        {
            features[i] = (float)((random.NextDouble() * 2) - 1);
        }

        var labels = new float[rows];
        for (var r = 0; r < rows; r++)
        {
            labels[r] = spec.Task switch
            {
                LearningTask.BinaryClassification => random.Next(2),
                LearningTask.MulticlassClassification => random.Next(spec.Outputs),
                _ => (float)((random.NextDouble() * 4) - 2),
            };
        }

        return new TabularData(features, labels, spec.Inputs);
    }

    /// <summary>A standard normal draw (Box–Muller).</summary>
    public static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
