namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// One party's columns of the aligned rows: a row-major float matrix, row i of every party being the same person
/// (private set intersection puts the rows in the same order). Party-private: it never leaves the party.
/// </summary>
public sealed class VerticalPartyData
{
    /// <summary>Wraps a row-major matrix of <paramref name="rows"/> × <paramref name="columns"/> features.</summary>
    /// <exception cref="ArgumentException">The array length is not rows × columns.</exception>
    public VerticalPartyData(float[] features, int rows, int columns, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        if (features.Length != (long)rows * columns)
        {
            throw new ArgumentException($"A {rows} x {columns} feature matrix holds {(long)rows * columns} values; got {features.Length}.", nameof(features));
        }

        if (featureNames is not null && featureNames.Count != columns)
        {
            throw new ArgumentException($"{featureNames.Count} feature names for {columns} columns.", nameof(featureNames));
        }

        Features = features;
        Rows = rows;
        Columns = columns;
        FeatureNames = featureNames ?? [.. Enumerable.Range(0, columns).Select(j => $"x{j}")];
    }

    /// <summary>The values, row-major: feature j of row i at [i · <see cref="Columns"/> + j].</summary>
    public float[] Features { get; }

    /// <summary>The number of aligned rows.</summary>
    public int Rows { get; }

    /// <summary>The number of features this party holds.</summary>
    public int Columns { get; }

    /// <summary>The feature names, in column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>The features of one row.</summary>
    public ReadOnlySpan<float> Row(int row) => Features.AsSpan(row * Columns, Columns);

    /// <summary>The given rows, in the given order.</summary>
    public VerticalPartyData Select(ReadOnlySpan<int> rows)
    {
        var features = new float[rows.Length * Columns];
        for (var i = 0; i < rows.Length; i++)
        {
            Row(rows[i]).CopyTo(features.AsSpan(i * Columns, Columns));
        }

        return new VerticalPartyData(features, rows.Length, Columns, FeatureNames);
    }
}
