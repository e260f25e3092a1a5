using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Causeway.Core.Data;

/// <summary>
/// Describes a CSV/TSV table file: its layout, the role of every column, and what a missing value does.
/// Every party of a federation uses the same schema, so category lists and class maps are the shared vocabulary.
/// </summary>
/// <remarks>
/// The JSON shape (camelCase; an unknown field is an error):
/// <code>
/// { "format": { "delimiter": ",", "header": true, "trimWhitespace": true, "quoted": true,
///               "skipLinesStartingWith": ["|"], "missingValues": ["?", ""] },
///   "columns": [ { "name": "age", "type": "numeric", "missing": "impute-mean" },
///                { "name": "workclass", "type": "categorical", "categories": ["Private", "..."], "unknown": "zero" },
///                { "name": "income", "type": "label", "classes": { "0": ["&lt;=50K"], "1": ["&gt;50K"] } },
///                { "name": "price", "type": "label", "regression": true },
///                { "name": "site", "type": "id" }, { "name": "x", "type": "ignore" } ],
///   "missing": "reject" }
/// </code>
/// Missing policies: <c>reject</c> (default), <c>drop-row</c>, <c>impute-mean</c>, <c>impute-zero</c>; see
/// <see cref="MissingPolicy"/>; a column's own <c>"missing"</c> overrides the schema's, and ignored columns are never
/// checked. Exactly one label column is required. With <c>"header": true</c> the header must name every schema column
/// and no other; without a header the fields are taken in the order the columns are listed.
/// </remarks>
public sealed class DataSchema
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    private readonly Dictionary<string, int> _indexByName;

    private DataSchema(string sourceName, TableFormat format, IReadOnlyList<ColumnSchema> columns, MissingPolicy missing)
    {
        SourceName = sourceName;
        Format = format;
        Columns = columns;
        Missing = missing;
        _indexByName = columns.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        LabelIndex = columns.Select((c, i) => (c, i)).Single(p => p.c.Type == ColumnType.Label).i;
    }

    /// <summary>Where the schema was read from, used in error messages.</summary>
    public string SourceName { get; }

    public TableFormat Format { get; }

    /// <summary>All columns, in file order when the file has no header.</summary>
    public IReadOnlyList<ColumnSchema> Columns { get; }

    /// <summary>The schema-wide missing-value policy; a column's own <c>"missing"</c> overrides it.</summary>
    public MissingPolicy Missing { get; }

    /// <summary>The position of the label column in <see cref="Columns"/>.</summary>
    public int LabelIndex { get; }

    /// <summary>The label column.</summary>
    public ColumnSchema Label => Columns[LabelIndex];

    /// <summary>The column with this name, or null.</summary>
    public ColumnSchema? Find(string name) => _indexByName.TryGetValue(name, out var i) ? Columns[i] : null;

    /// <summary>The position of the named column in <see cref="Columns"/>, or -1.</summary>
    public int IndexOf(string name) => _indexByName.TryGetValue(name, out var i) ? i : -1;

    /// <summary>Reads and validates a schema file.</summary>
    /// <exception cref="DataFormatException">The file is not valid JSON or breaks a schema rule; the message names the file and the field.</exception>
    public static DataSchema Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses and validates a schema.</summary>
    /// <param name="json">The schema text.</param>
    /// <param name="sourceName">A name for the text (usually its path), used in error messages.</param>
    /// <exception cref="DataFormatException">The text is not valid JSON or breaks a schema rule; the message names the source and the field.</exception>
    public static DataSchema Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        SchemaDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<SchemaDocument>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            throw Describe(sourceName, e);
        }

        if (document is null)
        {
            throw DataFormatException.ForField(sourceName, "$", "the schema must be a JSON object, not null.");
        }

        return Validate(document, sourceName);
    }

    private static DataFormatException Describe(string sourceName, JsonException e)
    {
        var path = e.Path ?? "$";
        var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;

        // System.Text.Json names the unmapped member in its message ("The JSON property 'x' could not be mapped...").
        const string Marker = "The JSON property '";
        var start = e.Message.IndexOf(Marker, StringComparison.Ordinal);
        if (start >= 0)
        {
            start += Marker.Length;
            var end = e.Message.IndexOf('\'', start);
            var name = end > start ? e.Message[start..end] : "?";
            var parent = path.EndsWith("." + name, StringComparison.Ordinal) ? path[..^(name.Length + 1)] : path;
            return DataFormatException.ForField(
                sourceName, Field(parent, name), $"unknown field '{name}'{where}; check its spelling against the schema documentation.", e);
        }

        return DataFormatException.ForField(sourceName, Trim(path), $"invalid JSON or wrong value type{where}: {e.Message}", e);
    }

    private static DataSchema Validate(SchemaDocument document, string source)
    {
        var format = ValidateFormat(document.Format, source);
        var missing = ParseMissing(document.Missing, "missing", source) ?? MissingPolicy.Reject;
        if (document.Columns is not { Count: > 0 } columns)
        {
            throw DataFormatException.ForField(source, "columns", "at least one column is required.");
        }

        var result = new List<ColumnSchema>(columns.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = ValidateColumn(columns[i], $"columns[{i}]", source, format, missing);
            if (!names.Add(column.Name))
            {
                throw DataFormatException.ForField(source, $"columns[{i}].name", $"the column name '{column.Name}' is used twice.");
            }

            result.Add(column);
        }

        var labels = result.Count(c => c.Type == ColumnType.Label);
        if (labels != 1)
        {
            throw DataFormatException.ForField(
                source,
                "columns",
                labels == 0
                    ? "no label column; exactly one column needs \"type\": \"label\"."
                    : $"{labels} label columns ({string.Join(", ", result.Where(c => c.Type == ColumnType.Label).Select(c => $"'{c.Name}'"))}); exactly one is allowed.");
        }

        return new DataSchema(source, format, result, missing);
    }

    private static TableFormat ValidateFormat(SchemaDocument.FormatDocument? document, string source)
    {
        if (document is null)
        {
            return new TableFormat();
        }

        var delimiter = document.Delimiter ?? ",";
        if (delimiter.Length == 0)
        {
            throw DataFormatException.ForField(source, "format.delimiter", "the delimiter must not be empty.");
        }

        var quoted = document.Quoted ?? delimiter != "\t";
        if (quoted && delimiter.Contains('"', StringComparison.Ordinal))
        {
            throw DataFormatException.ForField(source, "format.delimiter", "a quoted format cannot use '\"' in its delimiter.");
        }

        var skip = document.SkipLinesStartingWith ?? [];
        if (skip.Any(string.IsNullOrEmpty))
        {
            throw DataFormatException.ForField(source, "format.skipLinesStartingWith", "prefixes must not be empty or null; an empty prefix would skip every line.");
        }

        var missingValues = document.MissingValues ?? [string.Empty];
        if (missingValues.Any(v => v is null))
        {
            throw DataFormatException.ForField(source, "format.missingValues", "missing values must be strings, not null.");
        }

        return new TableFormat
        {
            Delimiter = delimiter,
            Header = document.Header ?? true,
            TrimWhitespace = document.TrimWhitespace ?? true,
            Quoted = quoted,
            SkipLinesStartingWith = [.. skip],
            MissingValues = [.. missingValues],
        };
    }

    private static ColumnSchema ValidateColumn(
        SchemaDocument.ColumnDocument document, string field, string source, TableFormat format, MissingPolicy schemaMissing)
    {
        if (document is null)
        {
            throw DataFormatException.ForField(source, field, "a column must be an object, not null.");
        }

        if (string.IsNullOrWhiteSpace(document.Name))
        {
            throw DataFormatException.ForField(source, $"{field}.name", "every column needs a non-empty \"name\".");
        }

        var name = document.Name;
        field = $"{field} ('{name}')";
        ColumnType type = document.Type switch
        {
            "numeric" => ColumnType.Numeric,
            "categorical" => ColumnType.Categorical,
            "label" => ColumnType.Label,
            "id" => ColumnType.Id,
            "ignore" => ColumnType.Ignore,
            null => throw DataFormatException.ForField(source, $"{field}.type", "every column needs a \"type\": numeric, categorical, label, id or ignore."),
            _ => throw DataFormatException.ForField(
                source, $"{field}.type", $"unknown type '{document.Type}'; expected numeric, categorical, label, id or ignore."),
        };

        var missing = ParseMissing(document.Missing, $"{field}.missing", source) ?? schemaMissing;
        RequireOnly(document.Categories is null || type == ColumnType.Categorical, "categories", "categorical");
        RequireOnly(document.Unknown is null || type == ColumnType.Categorical, "unknown", "categorical");
        RequireOnly(document.Classes is null || type == ColumnType.Label, "classes", "label");
        RequireOnly(document.Regression is null || type == ColumnType.Label, "regression", "label");

        IReadOnlyList<string> categories = [];
        var unknown = UnknownCategoryPolicy.Zero;
        IReadOnlyList<IReadOnlyList<string>> classes = [];
        var regression = false;
        if (type == ColumnType.Categorical)
        {
            categories = ValidateCategories(document.Categories, $"{field}.categories", source, format);
            unknown = document.Unknown switch
            {
                null or "zero" => UnknownCategoryPolicy.Zero,
                "error" => UnknownCategoryPolicy.Error,
                _ => throw DataFormatException.ForField(source, $"{field}.unknown", $"unknown value '{document.Unknown}'; expected \"zero\" or \"error\"."),
            };
        }
        else if (type == ColumnType.Label)
        {
            regression = document.Regression ?? false;
            if (regression && document.Classes is not null)
            {
                throw DataFormatException.ForField(source, field, "a label column has either \"classes\" or \"regression\": true, not both.");
            }

            if (!regression)
            {
                classes = ValidateClasses(document.Classes, $"{field}.classes", source, format);
            }
        }

        return new ColumnSchema(name, type, categories, unknown, classes, regression, missing);

        void RequireOnly(bool ok, string property, string columnType)
        {
            if (!ok)
            {
                throw DataFormatException.ForField(
                    source, $"{field}.{property}", $"\"{property}\" is only allowed on a {columnType} column, and this column is '{document.Type}'.");
            }
        }
    }

    private static List<string> ValidateCategories(List<string>? categories, string field, string source, TableFormat format)
    {
        if (categories is not { Count: > 0 })
        {
            throw DataFormatException.ForField(source, field, "a categorical column needs a non-empty \"categories\" list (the federation-shared vocabulary).");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in categories)
        {
            CheckValue(category, field, source, format);
            if (!seen.Add(category))
            {
                throw DataFormatException.ForField(source, field, $"the category '{category}' is listed twice.");
            }
        }

        return categories;
    }

    private static List<IReadOnlyList<string>> ValidateClasses(
        Dictionary<string, List<string>>? classes, string field, string source, TableFormat format)
    {
        if (classes is not { Count: >= 2 })
        {
            throw DataFormatException.ForField(
                source, field, "a classification label needs \"classes\" with at least two entries (\"0\": [...], \"1\": [...]), or \"regression\": true.");
        }

        var result = new IReadOnlyList<string>?[classes.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, strings) in classes)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= classes.Count
                || index.ToString(CultureInfo.InvariantCulture) != key)
            {
                throw DataFormatException.ForField(
                    source, $"{field}.{key}", $"class keys must be the indices 0 to {classes.Count - 1}, and '{key}' is not one of them.");
            }

            if (strings is not { Count: > 0 })
            {
                throw DataFormatException.ForField(source, $"{field}.{key}", "each class needs a non-empty list of the raw strings that mean it.");
            }

            foreach (var text in strings)
            {
                CheckValue(text, $"{field}.{key}", source, format);
                if (!seen.Add(text))
                {
                    throw DataFormatException.ForField(source, $"{field}.{key}", $"the string '{text}' is listed for more than one class.");
                }
            }

            result[index] = strings;
        }

        return [.. result.Select(r => r!)];
    }

    private static void CheckValue(string? value, string field, string source, TableFormat format)
    {
        if (value is null)
        {
            throw DataFormatException.ForField(source, field, "values must be strings, not null.");
        }

        if (format.MissingValues.Contains(value, StringComparer.Ordinal))
        {
            throw DataFormatException.ForField(source, field, $"'{value}' is also a missing value, so it could never match.");
        }
    }

    private static MissingPolicy? ParseMissing(string? value, string field, string source) => value switch
    {
        null => null,
        "reject" => MissingPolicy.Reject,
        "drop-row" => MissingPolicy.DropRow,
        "impute-mean" => MissingPolicy.ImputeMean,
        "impute-zero" => MissingPolicy.ImputeZero,
        _ => throw DataFormatException.ForField(
            source, field, $"unknown missing-value policy '{value}'; expected reject, drop-row, impute-mean or impute-zero."),
    };

    private static string Field(string parent, string name)
    {
        var trimmed = Trim(parent);
        return trimmed.Length == 0 ? name : $"{trimmed}.{name}";
    }

    private static string Trim(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
