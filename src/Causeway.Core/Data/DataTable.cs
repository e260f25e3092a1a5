namespace Causeway.Core.Data;

/// <summary>
/// The typed contents of a table file, as read by <see cref="TableReader"/>: one array per numeric, categorical, text,
/// timestamp and id column, plus the labels. This is party-private data; only <see cref="FeatureStatistics"/> leave a party.
/// </summary>
/// <remarks>
/// Numeric columns are <see cref="double"/> arrays with NaN for a missing value; categorical columns are category
/// indices into <see cref="ColumnSchema.Categories"/> with -1 for a missing or unknown category; labels are class
/// indices (or regression targets) as <see cref="float"/>, or NaN in a table read without its label column
/// (<see cref="HasLabels"/> false); id and text columns are the raw text (a kept missing text is empty); timestamp
/// columns are seconds since the Unix epoch. A numeric column with a missing indicator also keeps which cells were missing.
/// </remarks>
public sealed class DataTable
{
    private readonly double[]?[] _numeric;
    private readonly int[]?[] _categorical;
    private readonly string[]?[] _strings;
    private readonly bool[]?[] _missingMasks;

    internal DataTable(
        DataSchema schema,
        string sourceName,
        double[]?[] numeric,
        int[]?[] categorical,
        string[]?[] strings,
        bool[]?[] missingMasks,
        float[] labels,
        bool hasLabels,
        int droppedRows,
        IReadOnlyDictionary<string, int> missingCounts,
        IReadOnlyDictionary<string, int> unknownCategoryCounts)
    {
        Schema = schema;
        SourceName = sourceName;
        _numeric = numeric;
        _categorical = categorical;
        _strings = strings;
        _missingMasks = missingMasks;
        Labels = labels;
        HasLabels = hasLabels;
        DroppedRows = droppedRows;
        MissingCounts = missingCounts;
        UnknownCategoryCounts = unknownCategoryCounts;
    }

    public DataSchema Schema { get; }

    /// <summary>The file (or, for records, the name given to them) the rows came from.</summary>
    public string SourceName { get; }

    /// <summary>The number of rows kept.</summary>
    public int Rows => Labels.Length;

    /// <summary>
    /// One label per row: the class index (0 to K-1) or, for regression, the target value; NaN in every row when
    /// <see cref="HasLabels"/> is false.
    /// </summary>
    public float[] Labels { get; }

    /// <summary>
    /// Whether the rows carry labels. False only when the table was read with <see cref="LabelPresence.Optional"/> and
    /// the label column was absent; such a table can be encoded and predicted on, but not trained or scored on.
    /// </summary>
    public bool HasLabels { get; }

    /// <summary>Rows skipped under the <see cref="MissingPolicy.DropRow"/> policy while reading. 0 after <see cref="Select"/>.</summary>
    public int DroppedRows { get; }

    /// <summary>Per column, the missing cells that were kept (imputed) while reading. Empty after <see cref="Select"/>.</summary>
    public IReadOnlyDictionary<string, int> MissingCounts { get; }

    /// <summary>Per categorical column, the values not in its category list (encoded as all-zero). Empty after <see cref="Select"/>.</summary>
    public IReadOnlyDictionary<string, int> UnknownCategoryCounts { get; }

    /// <summary>The values of a numeric column; NaN marks a missing value.</summary>
    public double[] Numeric(string column) => _numeric[IndexOf(column, ColumnType.Numeric)]!;

    /// <summary>The category indices of a categorical column; -1 marks a missing or unknown category.</summary>
    public int[] Categorical(string column) => _categorical[IndexOf(column, ColumnType.Categorical)]!;

    /// <summary>The raw text of an id column.</summary>
    public string[] Ids(string column) => _strings[IndexOf(column, ColumnType.Id)]!;

    /// <summary>The raw text of a text column; a kept missing value is empty.</summary>
    public string[] Text(string column) => _strings[IndexOf(column, ColumnType.Text)]!;

    /// <summary>The times of a timestamp column, in seconds since the Unix epoch.</summary>
    public double[] Timestamps(string column) => _numeric[IndexOf(column, ColumnType.Timestamp)]!;

    /// <summary>Which cells of a numeric column with <c>"indicator": true</c> were missing; null for other columns.</summary>
    public bool[]? MissingMask(string column) => _missingMasks[IndexOf(column, ColumnType.Numeric)];

    internal double[]? NumericAt(int column) => Schema.Columns[column].Type == ColumnType.Numeric ? _numeric[column] : null;

    internal string[]? TextAt(int column) => Schema.Columns[column].Type == ColumnType.Text ? _strings[column] : null;

    internal bool[]? MissingMaskAt(int column) => _missingMasks[column];

    internal int[]? CategoricalAt(int column) => _categorical[column];

    /// <summary>A new table holding the given rows, in the given order (for example one party's partition).</summary>
    public DataTable Select(ReadOnlySpan<int> rows)
    {
        var count = Schema.Columns.Count;
        var numeric = new double[]?[count];
        var categorical = new int[]?[count];
        var strings = new string[]?[count];
        var masks = new bool[]?[count];
        for (var c = 0; c < count; c++)
        {
            numeric[c] = Gather(_numeric[c], rows);
            categorical[c] = Gather(_categorical[c], rows);
            strings[c] = Gather(_strings[c], rows);
            masks[c] = Gather(_missingMasks[c], rows);
        }

        return new DataTable(
            Schema, SourceName, numeric, categorical, strings, masks, Gather(Labels, rows)!, HasLabels, 0,
            new Dictionary<string, int>(), new Dictionary<string, int>());
    }

    private static T[]? Gather<T>(T[]? source, ReadOnlySpan<int> rows)
    {
        if (source is null)
        {
            return null;
        }

        var result = new T[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            result[i] = source[rows[i]];
        }

        return result;
    }

    private int IndexOf(string column, ColumnType type)
    {
        ArgumentNullException.ThrowIfNull(column);
        var index = Schema.IndexOf(column);
        if (index < 0)
        {
            throw new ArgumentException($"The schema has no column '{column}'.", nameof(column));
        }

        if (Schema.Columns[index].Type != type)
        {
            throw new ArgumentException($"Column '{column}' is {Schema.Columns[index].Type}, not {type}.", nameof(column));
        }

        return index;
    }
}
