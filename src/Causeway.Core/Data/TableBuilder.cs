using System.Diagnostics;
using System.Globalization;

namespace Causeway.Core.Data;

/// <summary>Turns the text fields of each row into typed column values, applying the schema's missing-value policies.</summary>
/// <remarks>
/// Shared by every source of rows (<see cref="TableReader"/>'s files and records), so a value means the same wherever it
/// comes from. A null field is missing whatever the format's <c>missingValues</c> say.
/// </remarks>
internal sealed class TableBuilder
{
    private readonly DataSchema _schema;
    private readonly string _sourceName;
    private readonly bool _hasLabels;
    private readonly bool _numberedByRecord;
    private readonly UnitConversion?[]? _conversions;
    private readonly HashSet<string> _missingValues;
    private readonly List<double>?[] _numeric;
    private readonly List<int>?[] _categorical;
    private readonly List<string>?[] _strings;
    private readonly List<bool>?[] _masks;
    private readonly List<float> _labels = [];
    private readonly int[] _missing;
    private readonly int[] _unknown;
    private readonly double[] _rowNumeric;
    private readonly int[] _rowCategorical;
    private readonly string?[] _rowIds;
    private readonly int[] _rowMissing;
    private readonly int[] _rowUnknown;
    private int _dropped;

    /// <param name="schema">The schema the rows follow.</param>
    /// <param name="sourceName">Names the source in error messages.</param>
    /// <param name="hasLabels">False when the rows have no label: the label column is skipped and every label is NaN.</param>
    /// <param name="numberedByRecord">
    /// Whether the numbers given to <see cref="Add"/> count records (<c>source: row n</c> in errors) rather than lines
    /// of a file (<c>source:n</c>).
    /// </param>
    /// <param name="conversions">Per schema column, the unit conversion applied to each parsed number, or null for none.</param>
    public TableBuilder(DataSchema schema, string sourceName, bool hasLabels, bool numberedByRecord, UnitConversion?[]? conversions = null)
    {
        _conversions = conversions;
        _schema = schema;
        _sourceName = sourceName;
        _hasLabels = hasLabels;
        _numberedByRecord = numberedByRecord;
        _missingValues = new HashSet<string>(schema.Format.MissingValues, StringComparer.Ordinal);
        var count = schema.Columns.Count;
        _numeric = new List<double>?[count];
        _categorical = new List<int>?[count];
        _strings = new List<string>?[count];
        _masks = new List<bool>?[count];
        for (var c = 0; c < count; c++)
        {
            switch (schema.Columns[c].Type)
            {
                case ColumnType.Numeric:
                    _numeric[c] = [];
                    _masks[c] = schema.Columns[c].Numeric.Indicator ? [] : null;
                    break;
                case ColumnType.Timestamp:
                    _numeric[c] = [];
                    break;
                case ColumnType.Categorical:
                    _categorical[c] = [];
                    break;
                case ColumnType.Id or ColumnType.Text:
                    _strings[c] = [];
                    break;
            }
        }

        _missing = new int[count];
        _unknown = new int[count];
        _rowNumeric = new double[count];
        _rowCategorical = new int[count];
        _rowIds = new string?[count];
        _rowMissing = new int[count];
        _rowUnknown = new int[count];
    }

    /// <summary>Adds one row, or counts it as dropped.</summary>
    /// <param name="fields">The row's fields; null marks a missing value.</param>
    /// <param name="positions">For each schema column, the index of its field (unused for the label when there are no labels).</param>
    /// <param name="line">The line (or record) number for error messages.</param>
    public void Add(IReadOnlyList<string?> fields, int[] positions, int line)
    {
        Debug.Assert(positions.Length == _schema.Columns.Count, "One position per schema column.");
        Array.Clear(_rowMissing);
        Array.Clear(_rowUnknown);
        var label = _hasLabels ? 0f : float.NaN;
        for (var c = 0; c < positions.Length; c++)
        {
            var column = _schema.Columns[c];
            if (column.Type == ColumnType.Ignore || (column.Type == ColumnType.Label && !_hasLabels))
            {
                continue;
            }

            var text = fields[positions[c]];
            if (text is null || _missingValues.Contains(text))
            {
                if (column.Missing == MissingPolicy.DropRow)
                {
                    _dropped++;
                    return;
                }

                if (column.Type == ColumnType.Label)
                {
                    throw Error(line, column, $"the label {Quote(text)} is missing, and a label cannot be imputed; give the label column \"missing\": \"drop-row\" to skip such rows.");
                }

                if (column.Missing == MissingPolicy.Reject)
                {
                    throw Error(line, column, $"the value {Quote(text)} is missing and the column's missing-value policy is reject.");
                }

                if (column.Type == ColumnType.Timestamp)
                {
                    throw Error(line, column, $"the timestamp {Quote(text)} is missing; a timestamp cannot be imputed (use \"missing\": \"drop-row\" to skip such rows).");
                }

                _rowMissing[c] = 1;
                _rowNumeric[c] = column.Missing switch
                {
                    MissingPolicy.ImputeZero => 0.0,
                    MissingPolicy.ImputeConstant => column.Numeric.Fill,
                    _ => double.NaN,
                };
                _rowCategorical[c] = -1;
                _rowIds[c] = column.Type == ColumnType.Text ? string.Empty : text ?? string.Empty;
                continue;
            }

            switch (column.Type)
            {
                case ColumnType.Numeric:
                    _rowNumeric[c] = ColumnSchema.TryParseNumber(text, out var value)
                        ? _conversions?[c]?.Convert(value) ?? value
                        : throw Error(line, column, $"'{text}' is not a finite number.");

                    // Features are float32, and the statistics keep exact sums of squares: a larger value fits neither.
                    if (Math.Abs(_rowNumeric[c]) > float.MaxValue)
                    {
                        throw Error(line, column, $"'{text}' is beyond the float32 range of features (±{float.MaxValue:G9}).");
                    }

                    break;
                case ColumnType.Categorical:
                    if (!column.TryGetIndex(text, out _rowCategorical[c]))
                    {
                        if (column.Unknown == UnknownCategoryPolicy.Error)
                        {
                            throw Error(line, column, $"unknown category '{text}'; the schema lists {column.Categories.Count} categories and \"unknown\": \"error\".");
                        }

                        _rowUnknown[c] = 1;
                    }

                    break;
                case ColumnType.Label when column.Regression:
                    label = ColumnSchema.TryParseNumber(text, out var target)
                        ? (float)target
                        : throw Error(line, column, $"'{text}' is not a finite number (the label is a regression target).");
                    break;
                case ColumnType.Label:
                    label = column.TryGetIndex(text, out var index)
                        ? index
                        : throw Error(line, column, $"unknown label '{text}'; the schema maps {string.Join(", ", column.Classes.SelectMany(s => s).Select(s => $"'{s}'"))}.");
                    break;
                case ColumnType.Id or ColumnType.Text:
                    _rowIds[c] = text;
                    break;
                case ColumnType.Timestamp:
                    _rowNumeric[c] = ParseTime(text) ?? throw Error(
                        line, column, $"'{text}' is not a timestamp; expected ISO 8601 (2015-02-04 17:51:00, UTC unless an offset is given) or seconds since the Unix epoch.");
                    break;
            }
        }

        for (var c = 0; c < positions.Length; c++)
        {
            _numeric[c]?.Add(_rowNumeric[c]);
            _categorical[c]?.Add(_rowCategorical[c]);
            _strings[c]?.Add(_rowIds[c]!);
            _masks[c]?.Add(_rowMissing[c] != 0);
            _missing[c] += _rowMissing[c];
            _unknown[c] += _rowUnknown[c];
        }

        _labels.Add(label);
    }

    public DataTable Build()
    {
        var columns = _schema.Columns;
        var missing = new Dictionary<string, int>(StringComparer.Ordinal);
        var unknown = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var c = 0; c < columns.Count; c++)
        {
            if (_missing[c] > 0)
            {
                missing[columns[c].Name] = _missing[c];
            }

            if (_unknown[c] > 0)
            {
                unknown[columns[c].Name] = _unknown[c];
            }
        }

        return new DataTable(
            _schema,
            _sourceName,
            [.. _numeric.Select(l => l?.ToArray())],
            [.. _categorical.Select(l => l?.ToArray())],
            [.. _strings.Select(l => l?.ToArray())],
            [.. _masks.Select(l => l?.ToArray())],
            [.. _labels],
            _hasLabels,
            _dropped,
            missing,
            unknown);
    }

    private DataFormatException Error(int line, ColumnSchema column, string problem) => _numberedByRecord
        ? DataFormatException.ForRecord(_sourceName, line, column.Name, problem)
        : new(_sourceName, line, column.Name, problem);

    private static double? ParseTime(string text)
    {
        if (ColumnSchema.TryParseNumber(text, out var seconds))
        {
            return seconds;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond
            : null;
    }

    private static string Quote(string? text) => text is null ? "(null or absent)" : $"'{text}'";
}
