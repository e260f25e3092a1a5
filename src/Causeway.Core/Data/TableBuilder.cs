namespace Causeway.Core.Data;

/// <summary>Turns the text fields of each row into typed column values, applying the schema's missing-value policies.</summary>
internal sealed class TableBuilder
{
    private readonly DataSchema _schema;
    private readonly string _sourceName;
    private readonly HashSet<string> _missingValues;
    private readonly List<double>?[] _numeric;
    private readonly List<int>?[] _categorical;
    private readonly List<string>?[] _ids;
    private readonly List<float> _labels = [];
    private readonly int[] _missing;
    private readonly int[] _unknown;
    private readonly double[] _rowNumeric;
    private readonly int[] _rowCategorical;
    private readonly string?[] _rowIds;
    private readonly int[] _rowMissing;
    private readonly int[] _rowUnknown;
    private int _dropped;

    public TableBuilder(DataSchema schema, string sourceName)
    {
        _schema = schema;
        _sourceName = sourceName;
        _missingValues = new HashSet<string>(schema.Format.MissingValues, StringComparer.Ordinal);
        var count = schema.Columns.Count;
        _numeric = new List<double>?[count];
        _categorical = new List<int>?[count];
        _ids = new List<string>?[count];
        for (var c = 0; c < count; c++)
        {
            switch (schema.Columns[c].Type)
            {
                case ColumnType.Numeric:
                    _numeric[c] = [];
                    break;
                case ColumnType.Categorical:
                    _categorical[c] = [];
                    break;
                case ColumnType.Id:
                    _ids[c] = [];
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

    public void Add(List<string> fields, int[] positions, int line)
    {
        Array.Clear(_rowMissing);
        Array.Clear(_rowUnknown);
        var label = 0f;
        for (var c = 0; c < positions.Length; c++)
        {
            var column = _schema.Columns[c];
            if (column.Type == ColumnType.Ignore)
            {
                continue;
            }

            var text = fields[positions[c]];
            if (_missingValues.Contains(text))
            {
                if (column.Missing == MissingPolicy.DropRow)
                {
                    _dropped++;
                    return;
                }

                if (column.Type == ColumnType.Label)
                {
                    throw Error(line, column, $"the label '{text}' is missing, and a label cannot be imputed; give the label column \"missing\": \"drop-row\" to skip such rows.");
                }

                if (column.Missing == MissingPolicy.Reject)
                {
                    throw Error(line, column, $"the value '{text}' is missing and the column's missing-value policy is reject.");
                }

                _rowMissing[c] = 1;
                _rowNumeric[c] = column.Missing == MissingPolicy.ImputeZero ? 0.0 : double.NaN;
                _rowCategorical[c] = -1;
                _rowIds[c] = text;
                continue;
            }

            switch (column.Type)
            {
                case ColumnType.Numeric:
                    _rowNumeric[c] = ColumnSchema.TryParseNumber(text, out var value)
                        ? value
                        : throw Error(line, column, $"'{text}' is not a finite number.");
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
                case ColumnType.Id:
                    _rowIds[c] = text;
                    break;
            }
        }

        for (var c = 0; c < positions.Length; c++)
        {
            _numeric[c]?.Add(_rowNumeric[c]);
            _categorical[c]?.Add(_rowCategorical[c]);
            _ids[c]?.Add(_rowIds[c]!);
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
            [.. _ids.Select(l => l?.ToArray())],
            [.. _labels],
            _dropped,
            missing,
            unknown);
    }

    private DataFormatException Error(int line, ColumnSchema column, string problem) =>
        new(_sourceName, line, column.Name, problem);
}
