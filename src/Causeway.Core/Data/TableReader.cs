using System.Text;

namespace Causeway.Core.Data;

/// <summary>
/// Reads a CSV/TSV table file, or key/value records, described by a <see cref="DataSchema"/> into a <see cref="DataTable"/>.
/// </summary>
/// <remarks>
/// The file is streamed one line at a time. Blank lines and lines starting with one of the format's
/// <c>skipLinesStartingWith</c> prefixes are skipped; CRLF and LF both end a line. A quoted format follows RFC 4180
/// (<c>""</c> inside quotes is one quote, and a quoted field may span lines); an unquoted one, the default for a tab
/// delimiter, splits on the delimiter only, so stray quotes in text are kept as they are. Data to predict on may leave
/// out the label column (<see cref="LabelPresence.Optional"/>); files and records share one parser, so a value means the
/// same in both. A windowed schema (<see cref="DataSchema.Window"/>) reads the long table with its input columns and
/// returns the aggregated rows (<see cref="WindowAggregator"/>); a <see cref="ColumnMapping"/> translates a party's
/// local header names and units.
/// </remarks>
public static class TableReader
{
    /// <summary>Reads a table file whose label column must be present.</summary>
    /// <exception cref="DataFormatException">
    /// A value does not fit its column, a row has the wrong number of fields, or the header does not match the schema.
    /// The message reads <c>file:line, column 'name': problem</c>.
    /// </exception>
    public static DataTable Read(string path, DataSchema schema) => Read(path, schema, LabelPresence.Required);

    /// <summary>Reads a table file; with <see cref="LabelPresence.Optional"/> its header may leave out the label column.</summary>
    /// <remarks>
    /// Without a header, fields are matched to the schema's columns by position, so the label's field must be there even
    /// with <see cref="LabelPresence.Optional"/>, and the table then has labels.
    /// </remarks>
    /// <exception cref="DataFormatException">As for <see cref="Read(string, DataSchema)"/>.</exception>
    public static DataTable Read(string path, DataSchema schema, LabelPresence labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        using var reader = new StreamReader(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan),
            Encoding.UTF8,
            detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, schema, labels);
    }

    /// <summary>
    /// Reads a table file with a party's <see cref="ColumnMapping"/>: header names are translated to the schema's shared
    /// names and values converted to shared units. The mapping is validated against the schema first.
    /// </summary>
    /// <exception cref="DataFormatException">
    /// The mapping does not fit the schema (naming the mapping file and field), or the file does not fit the schema
    /// (naming the file, line and shared column name).
    /// </exception>
    public static DataTable Read(string path, DataSchema schema, ColumnMapping mapping)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(mapping);
        mapping.Validate(schema);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return ReadWindowed(reader, path, schema, LabelPresence.Required, mapping);
    }

    /// <summary>Reads a table from text, with its label column; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="DataFormatException">As for <see cref="Read(string, DataSchema)"/>.</exception>
    public static DataTable Read(TextReader reader, string sourceName, DataSchema schema) =>
        Read(reader, sourceName, schema, LabelPresence.Required);

    /// <summary>Reads a table from text; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <remarks>As for <see cref="Read(string, DataSchema, LabelPresence)"/>.</remarks>
    /// <exception cref="DataFormatException">As for <see cref="Read(string, DataSchema)"/>.</exception>
    public static DataTable Read(TextReader reader, string sourceName, DataSchema schema, LabelPresence labels)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentNullException.ThrowIfNull(schema);
        CheckDefined(labels);
        return ReadWindowed(reader, sourceName, schema, labels, mapping: null);
    }

    /// <summary>Reads the file's own table, then aggregates it into windows when the schema declares them.</summary>
    private static DataTable ReadWindowed(TextReader reader, string sourceName, DataSchema schema, LabelPresence labels, ColumnMapping? mapping) =>
        schema.Window is { } window
            ? WindowAggregator.Aggregate(ReadTable(reader, sourceName, window.Input, labels, mapping), schema)
            : ReadTable(reader, sourceName, schema, labels, mapping);

    private static DataTable ReadTable(TextReader reader, string sourceName, DataSchema schema, LabelPresence labels, ColumnMapping? mapping)
    {
        var records = new RecordReader(reader, schema.Format, sourceName);
        var fields = new List<string>();
        var conversions = mapping?.ConversionsFor(schema);

        // Without a header, fields are matched by position, the label's included.
        var positions = schema.Format.Header ? null : Enumerable.Range(0, schema.Columns.Count).ToArray();
        var builder = positions is null ? null : new TableBuilder(schema, sourceName, hasLabels: true, numberedByRecord: false, conversions);
        var width = schema.Columns.Count;
        while (records.TryRead(fields))
        {
            if (positions is null)
            {
                if (mapping is not null)
                {
                    fields = [.. fields.Select(mapping.SharedName)];
                }

                positions = MapHeader(fields, schema, labels, sourceName, records.Line);
                builder = new TableBuilder(schema, sourceName, hasLabels: positions[schema.LabelIndex] >= 0, numberedByRecord: false, conversions);
                width = fields.Count;
                continue;
            }

            if (fields.Count != width)
            {
                throw new DataFormatException(
                    sourceName, records.Line, null,
                    $"expected {width} fields separated by '{Escape(schema.Format.Delimiter)}', found {fields.Count}.");
            }

            builder!.Add(fields, positions, records.Line);
        }

        // An empty file, header and all, has labels only when they are required.
        builder ??= new TableBuilder(schema, sourceName, hasLabels: labels == LabelPresence.Required, numberedByRecord: false, conversions);
        return builder.Build();
    }

    /// <summary>
    /// Builds a table from key/value records, such as the rows of a JSON prediction request; the label may be left out.
    /// </summary>
    /// <remarks>As for <see cref="ReadRecords(IReadOnlyList{IReadOnlyDictionary{string, string}}, DataSchema, string, LabelPresence)"/> with <see cref="LabelPresence.Optional"/>.</remarks>
    /// <exception cref="DataFormatException">
    /// A record names a column the schema does not list, or a value does not fit its column. The message reads
    /// <c>sourceName: row n, column 'name': problem</c>, with n counted from 1, and <see cref="DataFormatException.Line"/> is n.
    /// </exception>
    public static DataTable ReadRecords(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, DataSchema schema, string sourceName) =>
        ReadRecords(rows, schema, sourceName, LabelPresence.Optional);

    /// <summary>Builds a table from key/value records, one per row, each mapping column names to field text.</summary>
    /// <remarks>
    /// <para>
    /// A value means what the same text would mean as a field of a table file in the schema's format, after splitting:
    /// it is trimmed when the format trims, one of the format's <c>missingValues</c> is missing, and the same
    /// parsing, category and class rules apply, so a record and the equivalent file line give the same row.
    /// </para>
    /// <para>
    /// Keys are matched to column names exactly (ordinal); a key the schema does not list is an error, while an
    /// <c>"ignore"</c> column may be given or not. A null value, or a feature or id column left out of a record, is a
    /// missing value and follows the column's missing-value policy: under the default <see cref="MissingPolicy.Reject"/>
    /// it is an error, under <see cref="MissingPolicy.DropRow"/> the row is dropped, otherwise it is imputed.
    /// </para>
    /// <para>
    /// The label key is given in every record or in none. In none (allowed only with <see cref="LabelPresence.Optional"/>),
    /// <see cref="DataTable.HasLabels"/> is false and every label is NaN; an empty list of records has labels only when
    /// they are <see cref="LabelPresence.Required"/>.
    /// </para>
    /// </remarks>
    /// <exception cref="DataFormatException">As for <see cref="ReadRecords(IReadOnlyList{IReadOnlyDictionary{string, string}}, DataSchema, string)"/>.</exception>
    public static DataTable ReadRecords(
        IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, DataSchema schema, string sourceName, LabelPresence labels)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        CheckDefined(labels);
        if (schema.Window is { } window)
        {
            return WindowAggregator.Aggregate(ReadRecords(rows, window.Input, sourceName, labels), schema);
        }

        var label = schema.Label.Name;
        var hasLabels = labels == LabelPresence.Required || (rows.Count > 0 && rows[0] is { } first && first.ContainsKey(label));
        var builder = new TableBuilder(schema, sourceName, hasLabels, numberedByRecord: true);
        var positions = Enumerable.Range(0, schema.Columns.Count).ToArray();
        var fields = new string?[schema.Columns.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var row = r + 1;
            var record = rows[r] ?? throw DataFormatException.ForRecord(sourceName, row, null, "the record is null; each row must be an object mapping column names to values.");
            if (record.ContainsKey(label) != hasLabels)
            {
                throw DataFormatException.ForRecord(
                    sourceName, row, label,
                    labels == LabelPresence.Required
                        ? "the label is required but this record does not give it."
                        : $"the label is given in {(hasLabels ? "row 1 but not in this one" : "this row but not in row 1")}; give it in every row or in none.");
            }

            Array.Clear(fields);
            foreach (var (name, value) in record)
            {
                var index = schema.IndexOf(name);
                if (index < 0)
                {
                    throw DataFormatException.ForRecord(sourceName, row, name, "the record names a column the schema does not list.");
                }

                fields[index] = value is not null && schema.Format.TrimWhitespace ? value.Trim() : value;
            }

            builder.Add(fields, positions, row);
        }

        return builder.Build();
    }

    private static int[] MapHeader(List<string> header, DataSchema schema, LabelPresence labels, string sourceName, int line)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (schema.Find(header[i]) is null)
            {
                // A first line that names no schema column, or a number, is data: the schema's "header" is wrong, not its columns.
                var looksLikeData = header.All(h => schema.Find(h) is null)
                    || double.TryParse(header[i], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
                throw new DataFormatException(
                    sourceName, line, header[i], looksLikeData
                        ? "the schema says the first line is a header, but it names none of the schema's columns: if the file has no header, set \"format\": {\"header\": false}."
                        : "the header names a column the schema does not list; add it to the schema (type \"ignore\" to skip it).");
            }

            if (!byName.TryAdd(header[i], i))
            {
                throw new DataFormatException(sourceName, line, header[i], "the header names this column twice.");
            }
        }

        var positions = new int[schema.Columns.Count];
        for (var c = 0; c < positions.Length; c++)
        {
            var name = schema.Columns[c].Name;
            if (byName.TryGetValue(name, out var at))
            {
                positions[c] = at;
            }
            else if (c == schema.LabelIndex && labels == LabelPresence.Optional)
            {
                positions[c] = -1;
            }
            else
            {
                throw new DataFormatException(sourceName, line, name, "the schema lists this column but the header does not name it.");
            }
        }

        return positions;
    }

    private static void CheckDefined(LabelPresence labels)
    {
        if (labels is not (LabelPresence.Required or LabelPresence.Optional))
        {
            throw new ArgumentOutOfRangeException(nameof(labels), labels, "Expected LabelPresence.Required or LabelPresence.Optional.");
        }
    }

    private static string Escape(string delimiter) => delimiter.Replace("\t", "\\t", StringComparison.Ordinal);
}
