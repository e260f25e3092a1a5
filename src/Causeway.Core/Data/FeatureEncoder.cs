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
            throw new ArgumentException($"Schema '{schema.SourceName}' has no numeric or categorical column to encode.", nameof(schema));
        }

        var means = statistics.Means;
        var deviations = statistics.StandardDeviations;
        var width = FeatureCount(schema);
        var rows = table.Rows;
        var features = new float[(long)rows * width];
        var offset = 0;
        var numericIndex = 0;
        for (var c = 0; c < schema.Columns.Count; c++)
        {
            var column = schema.Columns[c];
            if (column.Type == ColumnType.Numeric)
            {
                var values = table.NumericAt(c)!;
                var mean = means[numericIndex];
                var deviation = deviations[numericIndex];
                numericIndex++;
                for (var r = 0; r < rows; r++)
                {
                    var x = values[r];
                    features[((long)r * width) + offset] = double.IsNaN(x) ? 0f : (float)((x - mean) / deviation);
                }

                offset++;
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

        return null;
    }

    /// <summary>The number of encoded features: 1 per numeric column plus the category count of each categorical column.</summary>
    public static int FeatureCount(DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.Columns.Sum(c => c.Type switch
        {
            ColumnType.Numeric => 1,
            ColumnType.Categorical => c.Categories.Count,
            _ => 0,
        });
    }

    /// <summary>The encoded feature names, in order: the numeric column's name, or <c>column=category</c>.</summary>
    public static IReadOnlyList<string> FeatureNames(DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return [.. schema.Columns.SelectMany(c => c.Type switch
        {
            ColumnType.Numeric => [c.Name],
            ColumnType.Categorical => c.Categories.Select(category => $"{c.Name}={category}"),
            _ => Enumerable.Empty<string>(),
        })];
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
