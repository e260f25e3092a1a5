using Causeway.Vectors.Indexes;

namespace Causeway.Vectors;

/// <summary>
/// What one party computes for federated k-means over its own collection: per-dimension moments, and per-centroid sums
/// and counts. Nothing else leaves a party; a centroid that fewer than a minimum of the party's vectors chose is left
/// out of its answer (sum and count zero), since a sum over one vector is that vector.
/// </summary>
public interface ICentroidStatisticsSource
{
    /// <summary>Σx, Σx² per value of the (sub-)vectors [start, start + length), and their count; residuals to the nearest of <paramref name="coarse"/> when given.</summary>
    Task<(double[] Sum, double[] SumSquares, long Count)> MomentsAsync(float[]? coarse, int start, int length, CancellationToken cancellationToken);

    /// <summary>For every centroid of <paramref name="centroids"/> (k × length), the sum and count of the (sub-)vectors nearest to it; zero for both where fewer than <paramref name="minCount"/> chose it.</summary>
    Task<(double[] Sums, long[] Counts)> AccumulateAsync(float[] centroids, float[]? coarse, int start, int length, int minCount, CancellationToken cancellationToken);
}

/// <summary>
/// The parties' k-means statistics summed over them: what <see cref="FederatedKMeans"/> needs. Summed here from each
/// party's answer (<see cref="SummedStatistics"/>), or under secure aggregation so that only the totals are ever seen.
/// </summary>
public interface ICentroidStatistics
{
    /// <summary>Σx, Σx² per value and the count, over every party.</summary>
    Task<(double[] Sum, double[] SumSquares, long Count)> MomentsAsync(float[]? coarse, int start, int length, CancellationToken cancellationToken);

    /// <summary>Per-centroid sums and counts over every party.</summary>
    Task<(double[] Sums, long[] Counts)> AccumulateAsync(float[] centroids, float[]? coarse, int start, int length, int minCount, CancellationToken cancellationToken);
}

/// <summary>The parties' statistics asked of each at once and added here: the trainer sees every party's answer.</summary>
public sealed class SummedStatistics(IReadOnlyList<ICentroidStatisticsSource> parties) : ICentroidStatistics
{
    public async Task<(double[] Sum, double[] SumSquares, long Count)> MomentsAsync(float[]? coarse, int start, int length, CancellationToken cancellationToken)
    {
        var sum = new double[length];
        var squares = new double[length];
        long count = 0;
        foreach (var (s, q, n) in await Task.WhenAll(parties.Select(p => p.MomentsAsync(coarse, start, length, cancellationToken))).ConfigureAwait(false))
        {
            for (var i = 0; i < length; i++)
            {
                sum[i] += s[i];
                squares[i] += q[i];
            }

            count += n;
        }

        return (sum, squares, count);
    }

    public async Task<(double[] Sums, long[] Counts)> AccumulateAsync(float[] centroids, float[]? coarse, int start, int length, int minCount, CancellationToken cancellationToken)
    {
        var k = centroids.Length / length;
        var sums = new double[k * length];
        var counts = new long[k];
        foreach (var (s, n) in await Task.WhenAll(parties.Select(p => p.AccumulateAsync(centroids, coarse, start, length, minCount, cancellationToken))).ConfigureAwait(false))
        {
            for (var i = 0; i < sums.Length; i++)
            {
                sums[i] += s[i];
            }

            for (var c = 0; c < k; c++)
            {
                counts[c] += n[c];
            }
        }

        return (sums, counts);
    }
}

/// <summary>
/// Trains one IVF codebook (coarse centroids and, for IVF-PQ, the sub-vector codebooks) over several parties' collections
/// without any vector leaving its party: Lloyd's algorithm whose assignment and accumulation run at every party
/// (<see cref="ICentroidStatisticsSource.AccumulateAsync"/>) and whose update runs here on the summed statistics. Starting
/// centroids are drawn from N(μ, σ²) per value, μ and σ from the summed moments, so no party's vector seeds them.
/// Every party then encodes with the same codebook, so codes and distances mean the same everywhere.
/// </summary>
/// <remarks>
/// What the trainer (the coordinator) learns: per round, every party's sums and counts for the centroids at least
/// <c>minCount</c> of its vectors chose, and the per-value moments (Σx, Σx², n) of its vectors, when the statistics are
/// <see cref="SummedStatistics"/>; only the totals over the parties under secure aggregation.
/// </remarks>
public static class FederatedKMeans
{
    private const int SubCentroids = 256;

    /// <summary>Trains a codebook of <paramref name="lists"/> centroids (and m sub-quantizers, 0 for IVF-Flat) over the parties, asking them all at once each step.</summary>
    public static Task<IvfCodebook> TrainAsync(
        IReadOnlyList<ICentroidStatisticsSource> parties, int dimension, int lists, int subQuantizers, int iterations, int minCount, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parties);
        if (parties.Count == 0)
        {
            throw new ArgumentException("federated k-means needs parties", nameof(parties));
        }

        return TrainAsync(new SummedStatistics(parties), dimension, lists, subQuantizers, iterations, minCount, seed, cancellationToken);
    }

    /// <summary>Trains a codebook from the parties' summed statistics, however they are summed.</summary>
    public static async Task<IvfCodebook> TrainAsync(
        ICentroidStatistics statistics, int dimension, int lists, int subQuantizers, int iterations, int minCount, int seed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (lists < 1 || iterations < 1 || minCount < 1 || (subQuantizers > 0 && dimension % subQuantizers != 0))
        {
            throw new ArgumentException("federated k-means needs at least one list and iteration, a minimum count of at least 1, and m dividing the dimension");
        }

        var random = new Random(seed);
        var coarse = await LloydAsync(statistics, null, 0, dimension, lists, iterations, minCount, random, cancellationToken).ConfigureAwait(false);
        float[]? books = null;
        if (subQuantizers > 0)
        {
            var sub = dimension / subQuantizers;
            books = new float[subQuantizers * SubCentroids * sub];
            for (var j = 0; j < subQuantizers; j++)
            {
                (await LloydAsync(statistics, coarse, j * sub, sub, SubCentroids, iterations, minCount, random, cancellationToken).ConfigureAwait(false))
                    .CopyTo(books.AsSpan(j * SubCentroids * sub));
            }
        }

        return new IvfCodebook(dimension, lists, subQuantizers, coarse, books);
    }

    private static async Task<float[]> LloydAsync(
        ICentroidStatistics statistics, float[]? coarse, int start, int length, int k, int iterations, int minCount, Random random, CancellationToken cancellationToken)
    {
        // μ and σ of the (sub-)vectors over every party.
        var (sum, squares, count) = await statistics.MomentsAsync(coarse, start, length, cancellationToken).ConfigureAwait(false);
        if (count == 0)
        {
            throw new InvalidOperationException("the parties hold no vectors to train on");
        }

        var mean = sum.Select(s => s / count).ToArray();
        var deviation = squares.Select((q, i) => Math.Sqrt(Math.Max(0, (q / count) - (mean[i] * mean[i])))).ToArray();
        void Draw(Span<float> into)
        {
            for (var i = 0; i < into.Length; i++)
            {
                var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                into[i] = (float)(mean[i] + (deviation[i] * normal));
            }
        }

        var centroids = new float[k * length];
        for (var c = 0; c < k; c++)
        {
            Draw(centroids.AsSpan(c * length, length));
        }

        for (var iteration = 0; iteration < iterations; iteration++)
        {
            var (sums, counts) = await statistics.AccumulateAsync(centroids, coarse, start, length, minCount, cancellationToken).ConfigureAwait(false);

            // A centroid no party reported (empty, or withheld everywhere) is drawn again.
            KMeans.Update(centroids, length, sums, counts, (_, into) => Draw(into));
        }

        return centroids;
    }
}
