using System.Text;

namespace Causeway.Core.Data;

/// <summary>Reads a CSV/TSV table file described by a <see cref="DataSchema"/> into a <see cref="DataTable"/>.</summary>
/// <remarks>
/// The file is streamed one line at a time. Blank lines and lines starting with one of the format's
/// <c>skipLinesStartingWith</c> prefixes are skipped; CRLF and LF both end a line. A quoted format follows RFC 4180
/// (<c>""</c> inside quotes is one quote, and a quoted field may span lines); an unquoted one, the default for a tab
/// delimiter, splits on the delimiter only, so stray quotes in text are kept as they are.
/// </remarks>
public static class TableReader
{
    /// <summary>Reads a table file.</summary>
    /// <exception cref="DataFormatException">
    /// A value does not fit its column, a row has the wrong number of fields, or the header does not match the schema.
    /// The message reads <c>file:line, column 'name': problem</c>.
    /// </exception>
    public static DataTable Read(string path, DataSchema schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(schema);
        using var reader = new StreamReader(
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan),
            Encoding.UTF8,
            detectEncodingFromByteOrderMarks: true);
        return Read(reader, path, schema);
    }

    /// <summary>Reads a table from text; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="DataFormatException">As for <see cref="Read(string, DataSchema)"/>.</exception>
    public static DataTable Read(TextReader reader, string sourceName, DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentNullException.ThrowIfNull(schema);
        var records = new RecordReader(reader, schema.Format, sourceName);
        var builder = new TableBuilder(schema, sourceName);
        var fields = new List<string>();
        var positions = default(int[]);
        var width = schema.Columns.Count;
        while (records.TryRead(fields))
        {
            if (positions is null && schema.Format.Header)
            {
                positions = MapHeader(fields, schema, sourceName, records.Line);
                width = fields.Count;
                continue;
            }

            positions ??= [.. Enumerable.Range(0, schema.Columns.Count)];
            if (fields.Count != width)
            {
                throw new DataFormatException(
                    sourceName, records.Line, null,
                    $"expected {width} fields separated by '{Escape(schema.Format.Delimiter)}', found {fields.Count}.");
            }

            builder.Add(fields, positions, records.Line);
        }

        return builder.Build();
    }

    private static int[] MapHeader(List<string> header, DataSchema schema, string sourceName, int line)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            if (schema.Find(header[i]) is null)
            {
                throw new DataFormatException(
                    sourceName, line, header[i], "the header names a column the schema does not list; add it to the schema (type \"ignore\" to skip it).");
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
            positions[c] = byName.TryGetValue(name, out var at)
                ? at
                : throw new DataFormatException(sourceName, line, name, "the schema lists this column but the header does not name it.");
        }

        return positions;
    }

    private static string Escape(string delimiter) => delimiter.Replace("\t", "\\t", StringComparison.Ordinal);
}
