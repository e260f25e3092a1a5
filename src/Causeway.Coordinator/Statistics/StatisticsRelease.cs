using Causeway.Core.Data;
using Causeway.Privacy.Mechanisms;

namespace Causeway.Coordinator.Statistics;

/// <summary>
/// Adds Laplace or Gaussian noise to the counts in a run's merged <see cref="FeatureStatistics"/>: the row count, the
/// non-missing count of each chosen numeric column and the category histogram of each chosen categorical column.
/// </summary>
/// <remarks>
/// Neighbouring datasets differ by one row added or removed (in any party). One row changes the row count by 1, each
/// numeric column's count by at most 1 and each categorical column's histogram by 1 in at most one bin, so over the
/// released vector of k = 1 + (numeric columns) + (categorical columns) statistics the L1 sensitivity is k and the
/// L2 sensitivity √k. Laplace noise of scale b = k/ε on every value is ε-DP (Dwork et al. 2006); Gaussian noise of
/// σ = √k·√(2 ln(1.25/δ))/ε is (ε, δ)-DP for ε &lt; 1 (Dwork and Roth 2014, Theorem A.1). Values are then rounded to
/// whole numbers (post-processing, free of privacy cost); they may be negative. Sums and means are not released
/// (<see cref="ReleaseRequest.NoSumsReason"/>).
/// </remarks>
internal static class StatisticsRelease
{
    /// <summary>Names the first requested column that is not a feature column of <paramref name="statistics"/>; null when all are.</summary>
    public static string? DescribeUnknownColumn(FeatureStatistics statistics, IReadOnlyList<string>? columns)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var unknown = columns?.FirstOrDefault(c => !statistics.NumericColumns.Contains(c) && !statistics.CategoricalColumns.Contains(c));
        return unknown is null
            ? null
            : $"column '{unknown}' is not a feature column of the run; its columns are {string.Join(", ", statistics.NumericColumns.Concat(statistics.CategoricalColumns))}";
    }

    /// <summary>Releases the chosen statistics with noise drawn from <paramref name="noise"/>.</summary>
    /// <param name="statistics">The run's merged statistics.</param>
    /// <param name="schema">The run's schema (for category names).</param>
    /// <param name="request">A request whose columns passed <see cref="DescribeUnknownColumn"/>.</param>
    /// <param name="noise">The random bits: <see cref="NoiseSource.Create"/> for any real release.</param>
    public static ReleasedStatistics Compute(FeatureStatistics statistics, DataSchema schema, ReleaseRequest request, NoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(noise);
        var wanted = request.Columns is null ? null : new HashSet<string>(request.Columns, StringComparer.Ordinal);
        var numeric = Enumerable.Range(0, statistics.NumericColumns.Length)
            .Where(j => wanted?.Contains(statistics.NumericColumns[j]) ?? true).ToList();
        var categorical = Enumerable.Range(0, statistics.CategoricalColumns.Length)
            .Where(k => wanted?.Contains(statistics.CategoricalColumns[k]) ?? true).ToList();

        // The exact vector: rows, then the numeric counts, then every histogram bin.
        var exact = new List<double>(1 + numeric.Count) { statistics.Rows };
        exact.AddRange(numeric.Select(j => (double)statistics.Counts[j]));
        foreach (var k in categorical)
        {
            exact.AddRange(statistics.CategoryCounts[k].Select(c => (double)c));
        }

        var statisticsTouchedByOneRow = 1 + numeric.Count + categorical.Count;
        var noisy = new double[exact.Count];
        double sensitivity, deviation;
        if (request.Mechanism == ReleaseMechanism.Laplace)
        {
            sensitivity = statisticsTouchedByOneRow;
            var laplace = LaplaceMechanism.ForEpsilon(request.Epsilon, sensitivity, noise);
            laplace.Release(exact.ToArray(), noisy);
            deviation = Math.Sqrt(2) * laplace.Scale;
        }
        else
        {
            sensitivity = Math.Sqrt(statisticsTouchedByOneRow);
            var gaussian = GaussianMechanism.ForEpsilonDelta(request.Epsilon, request.Delta, sensitivity, noise);
            gaussian.Release(exact.ToArray(), noisy);
            deviation = gaussian.StandardDeviation;
        }

        for (var i = 0; i < noisy.Length; i++)
        {
            noisy[i] = Math.Round(noisy[i]);
        }

        var counts = numeric.Select((j, i) => new ReleasedCount(statistics.NumericColumns[j], noisy[1 + i])).ToList();
        var histograms = new List<ReleasedHistogram>(categorical.Count);
        var next = 1 + numeric.Count;
        foreach (var k in categorical)
        {
            var name = statistics.CategoricalColumns[k];
            var categories = schema.Find(name)?.Categories ?? [];
            var bins = statistics.CategoryCounts[k].Length;
            histograms.Add(new ReleasedHistogram(
                name,
                [.. Enumerable.Range(0, bins).Select(c => new ReleasedCategory(c < categories.Count ? categories[c] : $"#{c}", noisy[next + c]))]));
            next += bins;
        }

        var mechanism = request.Mechanism == ReleaseMechanism.Laplace ? "laplace" : "gaussian";
        return new ReleasedStatistics(mechanism, request.Epsilon, request.Delta, sensitivity, deviation, noisy[0], counts, histograms);
    }
}
