using System.Numerics.Tensors;

namespace Causeway.Vectors.Indexes;

/// <summary>
/// Lloyd's k-means under squared L2 on row-major float data, the trainer of the IVF coarse centroids and the product
/// quantiser's codebooks. One iteration is an assignment and an <see cref="Accumulate"/> of per-centroid sums and
/// counts, then <see cref="Update"/>: the same two halves a federated k-means runs, the first at every party and the
/// second once the sums are added.
/// </summary>
public static class KMeans
{
    /// <summary>k centroids of the n rows of <paramref name="data"/> (n × d): seeded distinct rows, then <paramref name="iterations"/> Lloyd steps.</summary>
    /// <param name="data">Rows, row-major.</param>
    /// <param name="dimension">d.</param>
    /// <param name="k">Centroids, at most the rows.</param>
    /// <param name="iterations">Lloyd steps, ≥ 0.</param>
    /// <param name="seed">Chooses the starting rows and replacements for empty clusters.</param>
    public static float[] Train(ReadOnlySpan<float> data, int dimension, int k, int iterations, int seed)
    {
        var n = data.Length / dimension;
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        var random = new Random(seed);
        var centroids = new float[k * dimension];
        var start = Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(k).ToArray();
        for (var c = 0; c < k; c++)
        {
            data.Slice(start[c] * dimension, dimension).CopyTo(centroids.AsSpan(c * dimension));
        }

        var copy = data.ToArray();
        var sums = new double[k * dimension];
        var counts = new long[k];
        for (var iteration = 0; iteration < iterations; iteration++)
        {
            Array.Clear(sums);
            Array.Clear(counts);
            Accumulate(copy, dimension, centroids, sums, counts);
            Update(centroids, dimension, sums, counts, (c, into) => copy.AsSpan(random.Next(n) * dimension, dimension).CopyTo(into));
        }

        return centroids;
    }

    /// <summary>Adds every row to its nearest centroid's sum and count (the E-step's statistics; on every core).</summary>
    public static void Accumulate(float[] data, int dimension, float[] centroids, double[] sums, long[] counts)
    {
        var n = data.Length / dimension;
        var k = centroids.Length / dimension;
        var norms = Norms(centroids, dimension);
        var lockObject = new Lock();
        Parallel.For(
            0,
            Environment.ProcessorCount,
            worker =>
            {
                var localSums = new double[sums.Length];
                var localCounts = new long[counts.Length];
                for (var i = worker; i < n; i += Environment.ProcessorCount)
                {
                    var row = data.AsSpan(i * dimension, dimension);
                    var c = Nearest(row, centroids, norms, dimension);
                    localCounts[c]++;
                    var sum = localSums.AsSpan(c * dimension, dimension);
                    for (var j = 0; j < dimension; j++)
                    {
                        sum[j] += row[j];
                    }
                }

                lock (lockObject)
                {
                    for (var j = 0; j < sums.Length; j++)
                    {
                        sums[j] += localSums[j];
                    }

                    for (var c = 0; c < k; c++)
                    {
                        counts[c] += localCounts[c];
                    }
                }
            });
    }

    /// <summary>Moves every centroid to its rows' mean (the M-step); an empty cluster takes what <paramref name="reseed"/> writes into it.</summary>
    public static void Update(float[] centroids, int dimension, double[] sums, long[] counts, Action<int, Span<float>> reseed)
    {
        ArgumentNullException.ThrowIfNull(reseed);
        for (var c = 0; c < counts.Length; c++)
        {
            var centroid = centroids.AsSpan(c * dimension, dimension);
            if (counts[c] == 0)
            {
                reseed(c, centroid);
                continue;
            }

            for (var j = 0; j < dimension; j++)
            {
                centroid[j] = (float)(sums[(c * dimension) + j] / counts[c]);
            }
        }
    }

    /// <summary>‖c‖² of every centroid, for <see cref="Nearest"/>.</summary>
    public static float[] Norms(float[] centroids, int dimension)
    {
        var k = centroids.Length / dimension;
        var norms = new float[k];
        for (var c = 0; c < k; c++)
        {
            var centroid = centroids.AsSpan(c * dimension, dimension);
            norms[c] = TensorPrimitives.Dot(centroid, centroid);
        }

        return norms;
    }

    /// <summary>The centroid nearest to <paramref name="row"/>: the smallest ‖c‖² − 2 x·c (‖x‖² is common to all).</summary>
    public static int Nearest(ReadOnlySpan<float> row, float[] centroids, float[] norms, int dimension)
    {
        var best = 0;
        var bestScore = float.PositiveInfinity;
        for (var c = 0; c < norms.Length; c++)
        {
            var score = norms[c] - (2 * TensorPrimitives.Dot(row, centroids.AsSpan(c * dimension, dimension)));
            if (score < bestScore)
            {
                (best, bestScore) = (c, score);
            }
        }

        return best;
    }
}
