using System.Globalization;
using Causeway.Core.Data;

namespace Causeway.Federation.Recommendation.Data;

/// <summary>
/// Reads a ratings file of <c>user,item,rating[,timestamp]</c> rows: MovieLens <c>ratings.csv</c> (comma, header),
/// MovieLens 100K <c>u.data</c> (tab, no header), MovieLens 1M <c>ratings.dat</c> (<c>::</c>, no header), or any file
/// of that shape.
/// </summary>
/// <remarks>
/// <para>
/// The separator is taken from the first non-blank line: <c>::</c> if it holds one, else a tab if it holds one, else a
/// comma. That line is a header when its third field is not a number. Every row must have the first row's number of
/// fields, three or four; blank lines are skipped, fields are trimmed, a trailing carriage return (CRLF files) is
/// dropped. Quoting is not supported: an id may not contain the separator.
/// </para>
/// <para>
/// Ids are strings (<c>"007"</c> and <c>"7"</c> are different users), mapped to dense indices in order of first
/// appearance. Ratings are finite numbers in the invariant culture; timestamps are integers. A user who rates the
/// same item twice is an error, not a silent double count. Every error is a <see cref="DataFormatException"/> whose
/// message reads <c>file:line, column 'name': problem</c>.
/// </para>
/// </remarks>
public static class RatingsReader
{
    private static readonly string[] DefaultColumns = ["user", "item", "rating", "timestamp"];

    /// <summary>Reads the ratings in <paramref name="stream"/> (UTF-8).</summary>
    /// <param name="stream">The file's bytes; read to the end, not closed.</param>
    /// <param name="sourceName">The file name that error messages cite.</param>
    /// <exception cref="DataFormatException">A row that does not fit the format, or no rows at all.</exception>
    public static RatingsData Read(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = new StreamReader(stream, leaveOpen: true);
        return Read(reader, sourceName);
    }

    /// <summary>Reads the ratings in <paramref name="reader"/>.</summary>
    /// <param name="reader">The text, read to the end.</param>
    /// <param name="sourceName">The file name that error messages cite.</param>
    /// <exception cref="DataFormatException">A row that does not fit the format, or no rows at all.</exception>
    public static RatingsData Read(TextReader reader, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        var userIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var itemIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var userLookup = userIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var itemLookup = itemIndex.GetAlternateLookup<ReadOnlySpan<char>>();
        var users = new List<int>();
        var items = new List<int>();
        var ratings = new List<float>();
        var timestamps = new List<long>();
        var firstLineOfPair = new Dictionary<long, int>();
        string? separator = null;
        var columns = DefaultColumns;
        var fieldCount = 0;
        Span<Range> fields = stackalloc Range[5];
        var lineNumber = 0;
        while (reader.ReadLine() is { } text)
        {
            lineNumber++;
            var line = text.AsSpan().TrimEnd('\r');
            if (line.IsWhiteSpace())
            {
                continue;
            }

            if (separator is null)
            {
                separator = line.Contains("::", StringComparison.Ordinal) ? "::" : line.Contains('\t') ? "\t" : ",";
                var count = line.Split(fields, separator);
                if (count is < 3 or > 4)
                {
                    throw new DataFormatException(sourceName, lineNumber, null, $"expected user{Describe(separator)}item{Describe(separator)}rating[{Describe(separator)}timestamp], found {FieldsText(count)}");
                }

                fieldCount = count;
                if (!TryParseRating(line[fields[2]].Trim(), out _))
                {
                    // A header: its names make the errors below easier to place.
                    columns = new string[count];
                    for (var c = 0; c < count; c++)
                    {
                        columns[c] = line[fields[c]].Trim().ToString();
                    }

                    continue;
                }
            }

            var found = line.Split(fields, separator);
            if (found != fieldCount)
            {
                throw new DataFormatException(
                    sourceName, lineNumber, null, $"expected {fieldCount} fields separated by '{Describe(separator)}' as in the first row, found {FieldsText(found)}");
            }

            var user = Id(line[fields[0]].Trim(), userIndex, userLookup, sourceName, lineNumber, columns[0]);
            var item = Id(line[fields[1]].Trim(), itemIndex, itemLookup, sourceName, lineNumber, columns[1]);
            var ratingText = line[fields[2]].Trim();
            if (!TryParseRating(ratingText, out var rating))
            {
                throw new DataFormatException(sourceName, lineNumber, columns[2], $"'{ratingText}' is not a finite number");
            }

            if (fieldCount == 4)
            {
                var stampText = line[fields[3]].Trim();
                if (!long.TryParse(stampText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var stamp))
                {
                    throw new DataFormatException(sourceName, lineNumber, columns[3], $"'{stampText}' is not an integer timestamp");
                }

                timestamps.Add(stamp);
            }

            var pair = ((long)user << 32) | (uint)item;
            if (!firstLineOfPair.TryAdd(pair, lineNumber))
            {
                throw new DataFormatException(
                    sourceName, lineNumber, null,
                    $"user '{line[fields[0]].Trim()}' rates item '{line[fields[1]].Trim()}' a second time (first at line {firstLineOfPair[pair]})");
            }

            users.Add(user);
            items.Add(item);
            ratings.Add(rating);
        }

        if (users.Count == 0)
        {
            throw new DataFormatException(sourceName, null, null, "the file holds no ratings");
        }

        return RatingsData.Wrap(
            Ids(userIndex), Ids(itemIndex), [.. users], [.. items], [.. ratings], fieldCount == 4 ? [.. timestamps] : null);
    }

    private static int Id(
        ReadOnlySpan<char> id,
        Dictionary<string, int> index,
        Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup,
        string sourceName,
        int line,
        string column)
    {
        if (id.IsEmpty)
        {
            throw new DataFormatException(sourceName, line, column, "the id is empty");
        }

        if (lookup.TryGetValue(id, out var existing))
        {
            return existing;
        }

        var next = index.Count;
        index.Add(id.ToString(), next);
        return next;
    }

    private static bool TryParseRating(ReadOnlySpan<char> text, out float rating) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out rating) && float.IsFinite(rating);

    private static string[] Ids(Dictionary<string, int> index)
    {
        var ids = new string[index.Count];
        foreach (var (id, i) in index)
        {
            ids[i] = id;
        }

        return ids;
    }

    private static string Describe(string separator) => separator == "\t" ? "\\t" : separator;

    private static string FieldsText(int count) => count > 4 ? "more than 4 fields" : count == 1 ? "1 field" : $"{count} fields";
}
