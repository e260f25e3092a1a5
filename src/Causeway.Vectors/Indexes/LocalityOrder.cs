namespace Causeway.Vectors.Indexes;

/// <summary>
/// The order in which an HNSW index takes its records at a build: a random tenth first, then the rest grouped by their
/// nearest of √n (at most 1,024) coarse k-means centroids. USearch lays nodes and vectors out in memory in insertion
/// order, so most of a search's reads fall in a few contiguous regions instead of one cache line from anywhere.
/// </summary>
/// <remarks>
/// <para>
/// Above a few hundred thousand vectors an HNSW search waits on memory, not arithmetic: every neighbour whose distance
/// it computes is a cache miss (benchmarks/RESULTS.md, "1,000,000 × 128", the profile). Grouping by cell is a simple
/// form of graph reordering (Coleman et al. 2021, "Graph Reordering for Cache-Efficient Near Neighbor Search").
/// </para>
/// <para>
/// Insertion order also shapes the graph: HNSW's long-range links come from the early inserts, and a graph built cell by
/// cell has too few between cells. At 1,000,000 × 128, cell order alone lost a third of the recall at every ef. The
/// random tenth first restores it to within noise of random order and keeps 90 % of the records grouped.
/// </para>
/// </remarks>
public static class LocalityOrder
{
    /// <summary>Below this many records an index fits in the caches, and the order is left as it is.</summary>
    public const int MinRecords = 100_000;

    /// <summary>The share of records inserted first in random order, for the graph's long-range links.</summary>
    public const double RandomShare = 0.1;

    /// <summary>
    /// The most cells: √n up to this, so that assigning every record (n × cells distances) stays a small share of the
    /// build at 10,000,000 records too.
    /// </summary>
    public const int MaxCells = 1024;

    /// <summary>Training rows per centroid, as FAISS samples for a coarse quantiser.</summary>
    private const int SamplePerCell = 32;

    /// <summary>k-means steps for the cells: they only group the records, so a rough fit does.</summary>
    private const int TrainIterations = 4;

    /// <summary>Reads the vector of one record.</summary>
    public delegate ReadOnlySpan<float> VectorOf(int record);

    /// <summary>Reorders <paramref name="records"/> in place (on every core); fewer than <see cref="MinRecords"/> stay as they are.</summary>
    /// <param name="records">The records, by any number <paramref name="vectorOf"/> reads (a slot, a row).</param>
    /// <param name="dimension">d.</param>
    /// <param name="vectorOf">Each record's vector.</param>
    /// <param name="seed">Chooses the random share, the k-means sample and its starting rows.</param>
    public static void Sort(int[] records, int dimension, VectorOf vectorOf, int seed)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(vectorOf);
        if (records.Length < MinRecords)
        {
            return;
        }

        var d = dimension;
        var cells = Math.Min((int)Math.Sqrt(records.Length), MaxCells);
        var random = new Random(seed);
        var sample = new float[Math.Min(records.Length, cells * SamplePerCell) * d];
        for (var row = 0; row < sample.Length / d; row++)
        {
            vectorOf(records[random.Next(records.Length)]).CopyTo(sample.AsSpan(row * d, d));
        }

        var centroids = KMeans.Train(sample, d, cells, TrainIterations, seed);
        var norms = KMeans.Norms(centroids, d);
        random.Shuffle(records);
        var head = (int)(RandomShare * records.Length);
        var cell = new int[records.Length];
        Parallel.For(head, records.Length, i => cell[i] = KMeans.Nearest(vectorOf(records[i]), centroids, norms, d));
        Array.Sort(cell, records, head, records.Length - head);
    }
}
