using System.Text.Json.Serialization;

namespace Causeway.Core.Data;

/// <summary>
/// Per-column sufficient statistics of a party's table: what a party sends, instead of rows, so that the federation
/// can standardise features with global means and standard deviations.
/// </summary>
/// <remarks>
/// For numeric column j: <c>Counts[j]</c> non-missing values, their sum <c>Sums[j]</c> and sum of squares
/// <c>SumsOfSquares[j]</c>; for categorical column k: <c>CategoryCounts[k][c]</c> rows in category c. Sums are
/// <see cref="ExactSum"/>s, so <see cref="Merge"/> is exact: merging per-party statistics equals, bit for bit, the
/// statistics of the concatenated tables. Column arrays follow the schema's column order. Plain arrays and
/// properties, so System.Text.Json serialises it as is.
/// <para>
/// Two feature pipelines add counts (docs/features.md): a numeric column with quantile bins a fixed-bin
/// <see cref="Histogram"/> over its agreed range (<see cref="HistogramColumns"/>), and a text column the number of
/// documents with a token in each hashed bucket (<see cref="TextColumns"/>, <see cref="DocumentFrequencies"/>), from
/// which TF-IDF takes its IDF; counts of documents, never texts. Both are empty for a schema without such columns,
/// and absent from statistics written before they existed, which therefore still read.
/// </para>
/// </remarks>
public sealed record FeatureStatistics
{
    /// <summary>The number of rows described.</summary>
    public required long Rows { get; init; }

    public required string[] NumericColumns { get; init; }

    /// <summary>Per numeric column, the number of non-missing values.</summary>
    public required long[] Counts { get; init; }

    /// <summary>Per numeric column, the exact sum of the non-missing values.</summary>
    public required ExactSum[] Sums { get; init; }

    /// <summary>Per numeric column, the exact sum of the squares (each square rounded to double) of the non-missing values.</summary>
    public required ExactSum[] SumsOfSquares { get; init; }

    public required string[] CategoricalColumns { get; init; }

    /// <summary>Per categorical column, the row count of each category, in the schema's category order.</summary>
    public required long[][] CategoryCounts { get; init; }

    /// <summary>The numeric columns with quantile bins, in schema order.</summary>
    public string[] HistogramColumns { get; init; } = [];

    /// <summary>Per column of <see cref="HistogramColumns"/>, the histogram of its present values over the agreed range.</summary>
    public Histogram[] Histograms { get; init; } = [];

    /// <summary>The text columns, in schema order.</summary>
    public string[] TextColumns { get; init; } = [];

    /// <summary>
    /// Per text column, per hashed bucket, the number of rows (documents) with at least one token in that bucket; the
    /// document count is <see cref="Rows"/>.
    /// </summary>
    public long[][] DocumentFrequencies { get; init; } = [];

    /// <summary>Per numeric column, the mean of the non-missing values: sum / count (0 when there are none).</summary>
    [JsonIgnore]
    public double[] Means => [.. Counts.Select((n, j) => n == 0 ? 0.0 : Sums[j].Value / n)];

    /// <summary>Per numeric column, the population variance sumsq / n − mean² of the non-missing values (0 when there are none).</summary>
    [JsonIgnore]
    public double[] Variances
    {
        get
        {
            var means = Means;
            return [.. Counts.Select((n, j) => n == 0 ? 0.0 : Math.Max(0.0, (SumsOfSquares[j].Value / n) - (means[j] * means[j])))];
        }
    }

    /// <summary>
    /// Per numeric column, the population standard deviation sqrt(sumsq / n - mean^2). A column with no spread
    /// (a standard deviation of 0, or below 1e-12 of its mean's magnitude, which is rounding noise) gets 1, so
    /// standardising leaves it at 0 instead of dividing by zero.
    /// </summary>
    [JsonIgnore]
    public double[] StandardDeviations
    {
        get
        {
            var means = Means;
            var variances = Variances;
            var result = new double[Counts.Length];
            for (var j = 0; j < result.Length; j++)
            {
                var deviation = Math.Sqrt(variances[j]);
                result[j] = deviation > 1e-12 * Math.Max(1.0, Math.Abs(means[j])) ? deviation : 1.0;
            }

            return result;
        }
    }

    /// <summary>The statistics of one table.</summary>
    public static FeatureStatistics Compute(DataTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = table.Schema.Columns;
        var numeric = new List<string>();
        var counts = new List<long>();
        var sums = new List<ExactSum>();
        var squares = new List<ExactSum>();
        var categorical = new List<string>();
        var categoryCounts = new List<long[]>();
        var histogramColumns = new List<string>();
        var histograms = new List<Histogram>();
        var textColumns = new List<string>();
        var frequencies = new List<long[]>();
        var sum = new List<double>();
        var square = new List<double>();
        for (var c = 0; c < columns.Count; c++)
        {
            if (table.NumericAt(c) is { } values)
            {
                sum.Clear();
                square.Clear();
                long count = 0;
                foreach (var x in values)
                {
                    if (!double.IsNaN(x))
                    {
                        count++;
                        ExactSum.Add(sum, x);
                        ExactSum.Add(square, x * x);
                    }
                }

                numeric.Add(columns[c].Name);
                counts.Add(count);
                sums.Add(new ExactSum([.. sum]));
                squares.Add(new ExactSum([.. square]));
                if (columns[c].Numeric is { Bins.Method: BinningMethod.Quantile, Range: var (lower, upper) } options)
                {
                    histogramColumns.Add(columns[c].Name);
                    histograms.Add(Histogram.Compute(values, lower, upper, options.Bins.Resolution));
                }
            }
            else if (table.TextAt(c) is { } texts)
            {
                var vectorizer = new HashingVectorizer(columns[c].Text!);
                var perBucket = new long[vectorizer.Options.Features];
                foreach (var text in texts)
                {
                    vectorizer.CountDocument(text, perBucket);
                }

                textColumns.Add(columns[c].Name);
                frequencies.Add(perBucket);
            }
            else if (table.CategoricalAt(c) is { } indices)
            {
                var perCategory = new long[columns[c].Categories.Count];
                foreach (var index in indices)
                {
                    if (index >= 0)
                    {
                        perCategory[index]++;
                    }
                }

                categorical.Add(columns[c].Name);
                categoryCounts.Add(perCategory);
            }
        }

        return new FeatureStatistics
        {
            Rows = table.Rows,
            NumericColumns = [.. numeric],
            Counts = [.. counts],
            Sums = [.. sums],
            SumsOfSquares = [.. squares],
            CategoricalColumns = [.. categorical],
            CategoryCounts = [.. categoryCounts],
            HistogramColumns = [.. histogramColumns],
            Histograms = [.. histograms],
            TextColumns = [.. textColumns],
            DocumentFrequencies = [.. frequencies],
        };
    }

    /// <summary>Combines the statistics of several parties into those of their union.</summary>
    /// <exception cref="ArgumentException">There are no parts, or their columns or categories differ.</exception>
    public static FeatureStatistics Merge(IEnumerable<FeatureStatistics> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var list = parts.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one part is needed.", nameof(parts));
        }

        var first = list[0];
        for (var p = 0; p < list.Count; p++)
        {
            ArgumentNullException.ThrowIfNull(list[p], nameof(parts));
            if (list[p].DescribeMismatch(first) is { } mismatch)
            {
                throw new ArgumentException($"Part {p} does not match part 0: {mismatch}.", nameof(parts));
            }
        }

        return new FeatureStatistics
        {
            Rows = list.Sum(p => p.Rows),
            NumericColumns = [.. first.NumericColumns],
            Counts = [.. first.Counts.Select((_, j) => list.Sum(p => p.Counts[j]))],
            Sums = [.. first.Sums.Select((_, j) => ExactSum.Sum(list.Select(p => p.Sums[j])))],
            SumsOfSquares = [.. first.SumsOfSquares.Select((_, j) => ExactSum.Sum(list.Select(p => p.SumsOfSquares[j])))],
            CategoricalColumns = [.. first.CategoricalColumns],
            CategoryCounts = [.. first.CategoryCounts.Select((counts, k) => counts.Select((_, c) => list.Sum(p => p.CategoryCounts[k][c])).ToArray())],
            HistogramColumns = [.. first.HistogramColumns],
            Histograms = [.. first.Histograms.Select((_, h) => Histogram.Merge(list.Select(p => p.Histograms[h])))],
            TextColumns = [.. first.TextColumns],
            DocumentFrequencies = [.. first.DocumentFrequencies.Select((counts, t) => counts.Select((_, j) => list.Sum(p => p.DocumentFrequencies[t][j])).ToArray())],
        };
    }

    /// <summary>Why these statistics cannot be merged with (or used for) the other's columns; null when they match.</summary>
    public string? DescribeMismatch(FeatureStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!NumericColumns.SequenceEqual(other.NumericColumns))
        {
            return $"numeric columns [{string.Join(", ", NumericColumns)}] differ from [{string.Join(", ", other.NumericColumns)}]";
        }

        if (!CategoricalColumns.SequenceEqual(other.CategoricalColumns))
        {
            return $"categorical columns [{string.Join(", ", CategoricalColumns)}] differ from [{string.Join(", ", other.CategoricalColumns)}]";
        }

        if (Counts.Length != NumericColumns.Length || Sums.Length != NumericColumns.Length || SumsOfSquares.Length != NumericColumns.Length)
        {
            return "the numeric arrays do not have one entry per numeric column";
        }

        if (CategoryCounts.Length != CategoricalColumns.Length)
        {
            return "the category counts do not have one entry per categorical column";
        }

        for (var k = 0; k < CategoryCounts.Length; k++)
        {
            if (CategoryCounts[k].Length != other.CategoryCounts[k].Length)
            {
                return $"column '{CategoricalColumns[k]}' has {CategoryCounts[k].Length} categories, not {other.CategoryCounts[k].Length}";
            }
        }

        if (!HistogramColumns.SequenceEqual(other.HistogramColumns) || Histograms.Length != HistogramColumns.Length)
        {
            return $"histogram columns [{string.Join(", ", HistogramColumns)}] differ from [{string.Join(", ", other.HistogramColumns)}] or lack a histogram each";
        }

        for (var h = 0; h < Histograms.Length; h++)
        {
            if (Histograms[h]?.DescribeMismatch(other.Histograms[h]) is { } histogram)
            {
                return $"column '{HistogramColumns[h]}''s histogram: {histogram}";
            }
        }

        if (!TextColumns.SequenceEqual(other.TextColumns) || DocumentFrequencies.Length != TextColumns.Length)
        {
            return $"text columns [{string.Join(", ", TextColumns)}] differ from [{string.Join(", ", other.TextColumns)}] or lack document frequencies each";
        }

        for (var t = 0; t < DocumentFrequencies.Length; t++)
        {
            if (DocumentFrequencies[t].Length != other.DocumentFrequencies[t].Length)
            {
                return $"text column '{TextColumns[t]}' has {DocumentFrequencies[t].Length} document frequencies, not {other.DocumentFrequencies[t].Length}";
            }
        }

        return null;
    }

    public bool Equals(FeatureStatistics? other) =>
        other is not null && Rows == other.Rows && NumericColumns.SequenceEqual(other.NumericColumns)
        && Counts.SequenceEqual(other.Counts) && Sums.SequenceEqual(other.Sums) && SumsOfSquares.SequenceEqual(other.SumsOfSquares)
        && CategoricalColumns.SequenceEqual(other.CategoricalColumns)
        && CategoryCounts.Length == other.CategoryCounts.Length
        && CategoryCounts.Zip(other.CategoryCounts).All(p => p.First.SequenceEqual(p.Second))
        && HistogramColumns.SequenceEqual(other.HistogramColumns) && Histograms.SequenceEqual(other.Histograms)
        && TextColumns.SequenceEqual(other.TextColumns) && DocumentFrequencies.Length == other.DocumentFrequencies.Length
        && DocumentFrequencies.Zip(other.DocumentFrequencies).All(p => p.First.SequenceEqual(p.Second));

    public override int GetHashCode() => HashCode.Combine(Rows, NumericColumns.Length, CategoricalColumns.Length);
}
