namespace Causeway.Core.Data;

/// <summary>
/// A block of examples ready for training: row-major float32 features and one float label per row.
/// </summary>
/// <remarks>
/// Labels hold the class index (0, 1, ... K-1) for classification and the target value for regression.
/// This type is the output of a party's feature pipeline; raw rows never leave the party, and neither does this.
/// </remarks>
public sealed class TabularData
{
    public TabularData(float[] features, float[] labels, int columns, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        if (features.Length != (long)labels.Length * columns)
        {
            throw new ArgumentException(
                $"{labels.Length} rows x {columns} columns needs {(long)labels.Length * columns} feature values, got {features.Length}.",
                nameof(features));
        }

        if (featureNames is not null && featureNames.Count != columns)
        {
            throw new ArgumentException($"{featureNames.Count} feature names for {columns} columns.", nameof(featureNames));
        }

        Features = features;
        Labels = labels;
        Columns = columns;
        FeatureNames = featureNames ?? [.. Enumerable.Range(0, columns).Select(i => $"x{i}")];
    }

    /// <summary>Row-major features: row r occupies [r * Columns, (r + 1) * Columns).</summary>
    public float[] Features { get; }

    public float[] Labels { get; }

    public int Columns { get; }

    public int Rows => Labels.Length;

    public IReadOnlyList<string> FeatureNames { get; }

    public ReadOnlySpan<float> Row(int row) => Features.AsSpan(row * Columns, Columns);

    /// <summary>A new block holding the given rows, in the given order.</summary>
    public TabularData Select(ReadOnlySpan<int> rows)
    {
        var features = new float[rows.Length * Columns];
        var labels = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            Row(rows[i]).CopyTo(features.AsSpan(i * Columns, Columns));
            labels[i] = Labels[rows[i]];
        }

        return new TabularData(features, labels, Columns, FeatureNames);
    }
}
