using Causeway.Core.Models;

namespace Causeway.Core.Data;

/// <summary>
/// Turns a <see cref="DataTable"/> into model inputs with the federation's statistics, and derives a model's input
/// and output sizes from a <see cref="DataSchema"/>.
/// </summary>
/// <remarks>
/// Features follow the schema's column order: a numeric column gives one feature, <c>(x - mean) / std</c> with a
/// missing value encoded as 0 (the mean); a categorical column with K categories gives K one-hot features named
/// <c>column=category</c>, all zero for a missing or unknown category. Id and ignore columns give none.
/// <para>
/// The declared pipelines (docs/features.md) change a numeric column's feature: <c>"scale": "minmax"</c> gives
/// <c>(x − lo) / (hi − lo)</c> over the agreed range and <c>"none"</c> the raw x (a missing value becomes the federation
/// mean in either); <c>"bins"</c> give one one-hot feature per bin, <c>column#bin{k}</c>, all zero when missing, with
/// equal-width edges over the range or the federation's quantiles; <c>"indicator": true</c> adds <c>column#missing</c>,
/// 1 for a missing cell. A text column gives <see cref="TextOptions.Features"/> features <c>column#j</c> from the
/// <see cref="HashingVectorizer"/> with the federation's document frequencies.
/// </para>
/// </remarks>
public static class FeatureEncoder
{
    /// <summary>Encodes a table with the (merged, federation-wide) statistics.</summary>
    /// <remarks>
    /// The labels are copied as they are, so a table read without its label column (<see cref="DataTable.HasLabels"/>
    /// false) encodes to NaN labels: fit for prediction, not for training or scoring.
    /// </remarks>
    /// <exception cref="ArgumentException">The table was read with another schema, or the statistics' columns do not match the schema.</exception>
    public static TabularData Encode(DataTable table, DataSchema schema, FeatureStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(statistics);
        if (!table.Schema.Columns.SequenceEqual(schema.Columns))
        {
            throw new ArgumentException($"The table from '{table.SourceName}' was read with a different schema than '{schema.SourceName}'.", nameof(table));
        }

        if (DescribeMismatch(schema, statistics) is { } mismatch)
        {
            throw new ArgumentException($"The statistics do not describe the columns of schema '{schema.SourceName}': {mismatch}.", nameof(statistics));
        }

        if (FeatureCount(schema) == 0)
        {
            throw new ArgumentException($"Schema '{schema.SourceName}' has no numeric, categorical or text column to encode.", nameof(schema));
        }

        var means = statistics.Means;
        var deviations = statistics.StandardDeviations;
        var width = FeatureCount(schema);
        var rows = table.Rows;
        var features = new float[(long)rows * width];
        var offset = 0;
        var numericIndex = 0;
        var textIndex = 0;
        for (var c = 0; c < schema.Columns.Count; c++)
        {
            var column = schema.Columns[c];
            if (column.Type == ColumnType.Numeric)
            {
                var values = table.NumericAt(c)!;
                var mean = means[numericIndex];
                var deviation = deviations[numericIndex];
                numericIndex++;
                var options = column.Numeric;
                if (options.Bins is { } bins)
                {
                    var edges = BinEdges(column, statistics);
                    for (var r = 0; r < rows; r++)
                    {
                        if (!double.IsNaN(values[r]))
                        {
                            features[((long)r * width) + offset + BinOf(edges, values[r])] = 1f;
                        }
                    }

                    offset += bins.Count;
                }
                else
                {
                    var (shift, scale) = options.Scale switch
                    {
                        NumericScaling.MinMax => (options.Range!.Value.Lower, options.Range.Value.Upper - options.Range.Value.Lower),
                        NumericScaling.None => (0.0, 1.0),
                        _ => (mean, deviation),
                    };
                    var missing = (float)((mean - shift) / scale);
                    for (var r = 0; r < rows; r++)
                    {
                        var x = values[r];
                        features[((long)r * width) + offset] = double.IsNaN(x) ? missing : (float)((x - shift) / scale);
                    }

                    offset++;
                }

                if (table.MissingMaskAt(c) is { } mask)
                {
                    for (var r = 0; r < rows; r++)
                    {
                        features[((long)r * width) + offset] = mask[r] ? 1f : 0f;
                    }

                    offset++;
                }
            }
            else if (column.Type == ColumnType.Text)
            {
                var vectorizer = new HashingVectorizer(column.Text!);
                var idf = vectorizer.Options.Weighting == TextWeighting.TfIdf
                    ? HashingVectorizer.InverseDocumentFrequencies(statistics.Rows, statistics.DocumentFrequencies[textIndex])
                    : [];
                textIndex++;
                var texts = table.TextAt(c)!;
                for (var r = 0; r < rows; r++)
                {
                    vectorizer.Transform(texts[r], idf, features.AsSpan((int)(((long)r * width) + offset), vectorizer.Options.Features));
                }

                offset += vectorizer.Options.Features;
            }
            else if (column.Type == ColumnType.Categorical)
            {
                var indices = table.CategoricalAt(c)!;
                for (var r = 0; r < rows; r++)
                {
                    if (indices[r] >= 0)
                    {
                        features[((long)r * width) + offset + indices[r]] = 1f;
                    }
                }

                offset += column.Categories.Count;
            }
        }

        return new TabularData(features, [.. table.Labels], width, FeatureNames(schema));
    }

    /// <summary>Why the statistics cannot encode tables of this schema (other columns or category counts); null when they can.</summary>
    public static string? DescribeMismatch(DataSchema schema, FeatureStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(statistics);
        var numeric = schema.Columns.Where(c => c.Type == ColumnType.Numeric).Select(c => c.Name).ToArray();
        var categorical = schema.Columns.Where(c => c.Type == ColumnType.Categorical).ToArray();
        if (!statistics.NumericColumns.SequenceEqual(numeric))
        {
            return $"numeric columns [{string.Join(", ", statistics.NumericColumns)}], expected [{string.Join(", ", numeric)}]";
        }

        if (!statistics.CategoricalColumns.SequenceEqual(categorical.Select(c => c.Name)))
        {
            return $"categorical columns [{string.Join(", ", statistics.CategoricalColumns)}], expected [{string.Join(", ", categorical.Select(c => c.Name))}]";
        }

        if (statistics.Counts.Length != numeric.Length || statistics.Sums.Length != numeric.Length
            || statistics.SumsOfSquares.Length != numeric.Length || statistics.CategoryCounts.Length != categorical.Length)
        {
            return "the statistics arrays do not have one entry per column";
        }

        for (var k = 0; k < categorical.Length; k++)
        {
            if (statistics.CategoryCounts[k].Length != categorical[k].Categories.Count)
            {
                return $"column '{categorical[k].Name}' has {statistics.CategoryCounts[k].Length} category counts, expected {categorical[k].Categories.Count}";
            }
        }

        var quantiles = schema.Columns.Where(c => c.Type == ColumnType.Numeric && c.Numeric.Bins?.Method == BinningMethod.Quantile).ToArray();
        if (!statistics.HistogramColumns.SequenceEqual(quantiles.Select(c => c.Name)) || statistics.Histograms.Length != quantiles.Length)
        {
            return $"histograms for [{string.Join(", ", statistics.HistogramColumns)}], expected [{string.Join(", ", quantiles.Select(c => c.Name))}]";
        }

        for (var h = 0; h < quantiles.Length; h++)
        {
            var (lower, upper) = quantiles[h].Numeric.Range!.Value;
            if (statistics.Histograms[h] is not { } histogram || histogram.Lower != lower || histogram.Upper != upper
                || histogram.Counts?.Length != quantiles[h].Numeric.Bins!.Resolution)
            {
                return $"column '{quantiles[h].Name}''s histogram is not over [{lower}, {upper}] with {quantiles[h].Numeric.Bins!.Resolution} bins";
            }
        }

        var texts = schema.Columns.Where(c => c.Type == ColumnType.Text).ToArray();
        if (!statistics.TextColumns.SequenceEqual(texts.Select(c => c.Name)) || statistics.DocumentFrequencies.Length != texts.Length)
        {
            return $"text columns [{string.Join(", ", statistics.TextColumns)}], expected [{string.Join(", ", texts.Select(c => c.Name))}]";
        }

        for (var t = 0; t < texts.Length; t++)
        {
            if (statistics.DocumentFrequencies[t]?.Length != texts[t].Text!.Features)
            {
                return $"text column '{texts[t].Name}' has {statistics.DocumentFrequencies[t]?.Length ?? 0} document frequencies, expected {texts[t].Text!.Features}";
            }
        }

        return null;
    }

    /// <summary>
    /// The interior bin edges of a binned numeric column, ascending: equal-width over the agreed range, or the
    /// federation-wide quantiles k / count (k = 1 … count − 1) read from the merged histogram (an empty histogram gives
    /// equal-width edges).
    /// </summary>
    public static double[] BinEdges(ColumnSchema column, FeatureStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(column);
        ArgumentNullException.ThrowIfNull(statistics);
        if (column.Numeric is not { Bins: { } bins, Range: var (lower, upper) })
        {
            throw new ArgumentException($"Column '{column.Name}' is not binned.", nameof(column));
        }

        var histogram = bins.Method == BinningMethod.Quantile ? statistics.Histograms[Array.IndexOf(statistics.HistogramColumns, column.Name)] : null;
        var edges = new double[bins.Count - 1];
        for (var k = 1; k < bins.Count; k++)
        {
            edges[k - 1] = histogram is { Total: > 0 }
                ? histogram.Quantile(k / (double)bins.Count)
                : lower + (k * (upper - lower) / bins.Count);
        }

        return edges;
    }

    /// <summary>The bin of x: the number of interior edges ≤ x, so bin 0 is below the first edge and the last bin at or above the last.</summary>
    private static int BinOf(double[] edges, double x)
    {
        var bin = 0;
        while (bin < edges.Length && edges[bin] <= x)
        {
            bin++;
        }

        return bin;
    }

    /// <summary>
    /// The number of encoded features: per numeric column 1 (or its bin count) plus 1 with a missing indicator, the
    /// category count of each categorical column, and the hashed dimension of each text column.
    /// </summary>
    public static int FeatureCount(DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Columns.Sum(c => c.Type switch
        {
            ColumnType.Numeric => (c.Numeric.Bins?.Count ?? 1) + (c.Numeric.Indicator ? 1 : 0),
            ColumnType.Categorical => c.Categories.Count,
            ColumnType.Text => c.Text!.Features,
            _ => 0,
        });
    }

    /// <summary>
    /// The encoded feature names, in order: the numeric column's name (or <c>column#bin{k}</c> per bin) and
    /// <c>column#missing</c>, <c>column=category</c>, or <c>column#j</c> per hashed text bucket.
    /// </summary>
    public static IReadOnlyList<string> FeatureNames(DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return [.. schema.Columns.SelectMany(c => c.Type switch
        {
            ColumnType.Numeric => NumericNames(c),
            ColumnType.Categorical => c.Categories.Select(category => $"{c.Name}={category}"),
            ColumnType.Text => Enumerable.Range(0, c.Text!.Features).Select(j => $"{c.Name}#{j}"),
            _ => Enumerable.Empty<string>(),
        })];
    }

    private static IEnumerable<string> NumericNames(ColumnSchema column)
    {
        IEnumerable<string> values = column.Numeric.Bins is { } bins
            ? Enumerable.Range(0, bins.Count).Select(k => $"{column.Name}#bin{k}")
            : [column.Name];
        return column.Numeric.Indicator ? values.Append($"{column.Name}#missing") : values;
    }

    /// <summary>The number of classes of the label, or 0 for a regression target.</summary>
    public static int ClassCount(DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Label.Regression ? 0 : schema.Label.Classes.Count;
    }

    /// <summary>The learning task the label implies: 2 classes are binary, more are multiclass, a regression label is regression.</summary>
    public static LearningTask TaskOf(DataSchema schema) => ClassCount(schema) switch
    {
        0 => LearningTask.Regression,
        2 => LearningTask.BinaryClassification,
        _ => LearningTask.MulticlassClassification,
    };

    /// <summary>The model outputs the label implies: 1 for binary classification and regression, else the class count.</summary>
    public static int OutputCount(DataSchema schema) => TaskOf(schema) == LearningTask.MulticlassClassification ? ClassCount(schema) : 1;
}
