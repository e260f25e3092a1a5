using System.Diagnostics;
using System.Text;

namespace Causeway.Core.Data;

/// <summary>
/// Splits a text stream into records of fields, one line at a time: skips blank and comment lines, honours RFC 4180
/// double quotes (a quoted field may span lines) when the format is quoted, and otherwise splits on the delimiter only.
/// </summary>
internal sealed class RecordReader
{
    private readonly TextReader _reader;
    private readonly TableFormat _format;
    private readonly string _sourceName;
    private readonly StringBuilder _field = new();
    private int _lineNumber;

    public RecordReader(TextReader reader, TableFormat format, string sourceName)
    {
        _reader = reader;
        _format = format;
        _sourceName = sourceName;
    }

    /// <summary>The 1-based line number where the last record returned starts.</summary>
    public int Line { get; private set; }

    /// <summary>Reads the next record into <paramref name="fields"/>; false at the end of the input.</summary>
    public bool TryRead(List<string> fields)
    {
        fields.Clear();
        string? line;
        do
        {
            line = _reader.ReadLine();
            if (line is null)
            {
                return false;
            }

            _lineNumber++;
            if (_lineNumber == 1 && line.StartsWith('\uFEFF'))
            {
                // A byte order mark read through a TextReader that did not consume it is not part of the first field.
                line = line[1..];
            }
        }
        while (IsSkipped(line));

        Line = _lineNumber;
        if (!_format.Quoted)
        {
            SplitPlain(line, fields);
            return true;
        }

        SplitQuoted(line, fields);
        return true;
    }

    private bool IsSkipped(string line)
    {
        if (line.AsSpan().IsWhiteSpace())
        {
            return true;
        }

        foreach (var prefix in _format.SkipLinesStartingWith)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private void SplitPlain(string line, List<string> fields)
    {
        var rest = line.AsSpan();
        var delimiter = _format.Delimiter;
        while (true)
        {
            var at = rest.IndexOf(delimiter.AsSpan());
            var field = at < 0 ? rest : rest[..at];
            fields.Add(_format.TrimWhitespace ? field.Trim().ToString() : field.ToString());
            if (at < 0)
            {
                return;
            }

            rest = rest[(at + delimiter.Length)..];
        }
    }

    private void SplitQuoted(string line, List<string> fields)
    {
        var delimiter = _format.Delimiter;
        var i = 0;
        while (true)
        {
            // Leading white space before an opening quote is not part of the field when trimming.
            var start = i;
            if (_format.TrimWhitespace)
            {
                while (start < line.Length && char.IsWhiteSpace(line[start]) && !AtDelimiter(line, start, delimiter))
                {
                    start++;
                }
            }

            if (start < line.Length && line[start] == '"')
            {
                _field.Clear();
                i = start + 1;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        // The quoted field continues on the next line; the line break is part of its value.
                        var next = _reader.ReadLine()
                            ?? throw new DataFormatException(_sourceName, Line, null, "a quoted field is not closed before the end of the file.");
                        _lineNumber++;
                        _field.Append('\n');
                        line = next;
                        i = 0;
                        continue;
                    }

                    var c = line[i];
                    if (c == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            _field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    _field.Append(c);
                    i++;
                }

                // Text between the closing quote and the delimiter is kept, like most readers do.
                var end = FindDelimiter(line, i, delimiter);
                var tail = line.AsSpan(i, end - i);
                _field.Append(_format.TrimWhitespace ? tail.Trim() : tail);
                fields.Add(_field.ToString());
                if (end >= line.Length)
                {
                    return;
                }

                i = end + delimiter.Length;
            }
            else
            {
                var end = FindDelimiter(line, i, delimiter);
                var field = line.AsSpan(i, end - i);
                fields.Add(_format.TrimWhitespace ? field.Trim().ToString() : field.ToString());
                if (end >= line.Length)
                {
                    return;
                }

                i = end + delimiter.Length;
            }
        }
    }

    private static int FindDelimiter(string line, int from, string delimiter)
    {
        Debug.Assert(from <= line.Length, "The cursor never passes the end of the line.");
        var at = delimiter.Length == 1 ? line.AsSpan(from).IndexOf(delimiter[0]) : line.AsSpan(from).IndexOf(delimiter.AsSpan());
        return at < 0 ? line.Length : from + at;
    }

    private static bool AtDelimiter(string line, int index, string delimiter) =>
        line.AsSpan(index).StartsWith(delimiter.AsSpan());
}
