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
/// Feature pipelines (docs/features.md): a numeric column may declare <c>"scale"</c> (standard, minmax, none),
/// <c>"range": [lo, hi]</c>, <c>"fill"</c> (with <c>"missing": "impute-constant"</c>), <c>"indicator": true</c> and
/// <c>"bins": {"count", "method", "resolution"}</c> (<see cref="NumericOptions"/>); a <c>"text"</c> column
/// <c>"features"</c>, <c>"weighting"</c> and <c>"stopWords"</c> (<see cref="TextOptions"/>); and a schema over a long
/// time-series table a <c>"window"</c> with a <c>"timestamp"</c> column (<see cref="WindowSpec"/>).
/// Missing policies: <c>reject</c> (default), <c>drop-row</c>, <c>impute-mean</c>, <c>impute-zero</c>, <c>impute-constant</c>; see
/// <see cref="MissingPolicy"/>; a column's own <c>"missing"</c> overrides the schema's, and ignored columns are never
/// checked. Exactly one label column is required. With <c>"header": true</c> the header must name every schema column
/// and no other; without a header the fields are taken in the order the columns are listed.
/// </remarks>
public sealed class DataSchema
{
    /// <summary>
    /// The options of every JSON file the data layer reads: camelCase, comments and trailing commas allowed, an unknown or
    /// repeated field an error (a repeated one would silently take its last value, and the parties compare schemas as JSON).
    /// </summary>
    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>The JSON shape of a schema file as the reader binds it, with its fields' documentation: for docs/configuration.md.</summary>
    public static System.Text.Json.Serialization.Metadata.JsonTypeInfo FileShape => JsonOptions.GetTypeInfo(typeof(SchemaDocument));

    private readonly Dictionary<string, int> _indexByName;

    private DataSchema(string sourceName, TableFormat format, IReadOnlyList<ColumnSchema> columns, MissingPolicy missing, WindowSpec? window)
    {
        SourceName = sourceName;
        Format = format;
        Columns = columns;
        Missing = missing;
        Window = window;
        _indexByName = columns.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        LabelIndex = columns.Select((c, i) => (c, i)).Single(p => p.c.Type == ColumnType.Label).i;
    }

    /// <summary>Where the schema was read from, used in error messages.</summary>
    public string SourceName { get; }

    public TableFormat Format { get; }

    /// <summary>
    /// All columns, in file order when the file has no header. For a windowed schema these are the columns of the
    /// aggregated table (entity, aggregates, label); the file's own columns are <see cref="WindowSpec.Input"/>'s.
    /// </summary>
    public IReadOnlyList<ColumnSchema> Columns { get; }

    /// <summary>The windowed aggregation of a long-format time-series file (<c>"window"</c>), or null for a plain table.</summary>
    public WindowSpec? Window { get; }

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

    /// <summary>A JSON error as a <see cref="DataFormatException"/> naming the file and the field (an unknown field by its name).</summary>
    internal static DataFormatException Describe(string sourceName, JsonException e)
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
            var suggestion = Serialization.FieldNames.Suggest(typeof(SchemaDocument), Trim(parent), name) ?? "check its spelling against the schema documentation (docs/configuration.md).";
            return DataFormatException.ForField(sourceName, Field(parent, name), $"unknown field '{name}'{where}; {suggestion}", e);
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

        if (result.FirstOrDefault(c => c.Type == ColumnType.Timestamp) is { } timestamp && document.Window is null)
        {
            throw DataFormatException.ForField(
                source, $"columns ('{timestamp.Name}')", "a timestamp column orders a windowed table; declare a \"window\" or make the column \"ignore\".");
        }

        var table = new DataSchema(source, format, result, missing, window: null);
        return document.Window is null ? table : Windowed(table, document.Window);
    }

    private static DataSchema Windowed(DataSchema input, SchemaDocument.WindowDocument document)
    {
        var source = input.SourceName;
        var timestamp = input.Find(document.Timestamp ?? string.Empty);
        if (timestamp?.Type != ColumnType.Timestamp)
        {
            throw DataFormatException.ForField(source, "window.timestamp", $"'{document.Timestamp}' must name a column of type \"timestamp\".");
        }

        ColumnSchema? entity = null;
        if (document.Entity is not null && (entity = input.Find(document.Entity))?.Type != ColumnType.Id)
        {
            throw DataFormatException.ForField(source, "window.entity", $"'{document.Entity}' must name a column of type \"id\".");
        }

        if (document.Seconds is { } seconds && !(double.IsFinite(seconds) && seconds > 0))
        {
            throw DataFormatException.ForField(source, "window.seconds", $"the window length must be a positive number of seconds, not {seconds}.");
        }

        foreach (var column in input.Columns)
        {
            var problem = column.Type switch
            {
                ColumnType.Categorical or ColumnType.Text => $"is {column.Type.ToString().ToLowerInvariant()}; a windowed table aggregates numeric columns only",
                ColumnType.Id when column != entity => "is an id column but not the window's entity; make it \"ignore\"",
                ColumnType.Numeric when column.Numeric with { Fill = 0.0 } != NumericOptions.Default =>
                    "declares scaling, a range, an indicator or bins, but in a windowed table the features are the aggregates",
                _ => null,
            };
            if (problem is not null)
            {
                throw DataFormatException.ForField(source, $"columns ('{column.Name}')", $"the column {problem}.");
            }
        }

        var aggregates = new List<WindowAggregate>();
        foreach (var name in document.Aggregates ?? ["mean", "std", "min", "max", "slope", "count"])
        {
            WindowAggregate aggregate = name switch
            {
                "mean" => WindowAggregate.Mean,
                "std" => WindowAggregate.Std,
                "min" => WindowAggregate.Min,
                "max" => WindowAggregate.Max,
                "slope" => WindowAggregate.Slope,
                "count" => WindowAggregate.Count,
                _ => throw DataFormatException.ForField(source, "window.aggregates", $"unknown aggregate '{name}'; expected mean, std, min, max, slope or count."),
            };
            if (aggregates.Contains(aggregate))
            {
                throw DataFormatException.ForField(source, "window.aggregates", $"the aggregate '{name}' is listed twice.");
            }

            aggregates.Add(aggregate);
        }

        if (aggregates.Count == 0)
        {
            throw DataFormatException.ForField(source, "window.aggregates", "list at least one aggregate (or leave the field out for all six).");
        }

        var label = document.Label switch
        {
            null or "majority" => WindowLabel.Majority,
            "last" => WindowLabel.Last,
            _ => throw DataFormatException.ForField(source, "window.label", $"unknown window label '{document.Label}'; expected \"majority\" or \"last\"."),
        };

        var columns = new List<ColumnSchema>();
        if (entity is not null)
        {
            columns.Add(entity);
        }

        foreach (var column in input.Columns.Where(c => c.Type == ColumnType.Numeric))
        {
            columns.AddRange(aggregates.Select(a => new ColumnSchema(
                $"{column.Name}_{a.ToString().ToLowerInvariant()}", ColumnType.Numeric, [], UnknownCategoryPolicy.Zero, [], false, MissingPolicy.ImputeMean)));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (!names.Add(column.Name) || (input.Find(column.Name) is { } clash && clash != column))
            {
                throw DataFormatException.ForField(source, "window", $"the aggregated column '{column.Name}' clashes with another column's name; rename one.");
            }
        }

        columns.Add(input.Label);
        var spec = new WindowSpec(entity?.Name, timestamp.Name, document.Seconds, aggregates, label, input);
        return new DataSchema(source, input.Format, columns, input.Missing, spec);
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
            "text" => ColumnType.Text,
            "timestamp" => ColumnType.Timestamp,
            null => throw DataFormatException.ForField(source, $"{field}.type", "every column needs a \"type\": numeric, categorical, text, label, id, timestamp or ignore."),
            _ => throw DataFormatException.ForField(
                source, $"{field}.type", $"unknown type '{document.Type}'; expected numeric, categorical, text, label, id, timestamp or ignore."),
        };

        var missing = ParseMissing(document.Missing, $"{field}.missing", source) ?? schemaMissing;
        (bool Given, string Property, ColumnType Allowed)[] typeBound =
        [
            (document.Categories is not null, "categories", ColumnType.Categorical),
            (document.Unknown is not null, "unknown", ColumnType.Categorical),
            (document.Classes is not null, "classes", ColumnType.Label),
            (document.Regression is not null, "regression", ColumnType.Label),
            (document.Fill is not null, "fill", ColumnType.Numeric),
            (document.Indicator is not null, "indicator", ColumnType.Numeric),
            (document.Scale is not null, "scale", ColumnType.Numeric),
            (document.Range is not null, "range", ColumnType.Numeric),
            (document.Bins is not null, "bins", ColumnType.Numeric),
            (document.Features is not null, "features", ColumnType.Text),
            (document.Weighting is not null, "weighting", ColumnType.Text),
            (document.StopWords is not null, "stopWords", ColumnType.Text),
        ];
        foreach (var (given, property, allowed) in typeBound)
        {
            if (given && type != allowed)
            {
                throw DataFormatException.ForField(
                    source, $"{field}.{property}", $"\"{property}\" is only allowed on a {allowed.ToString().ToLowerInvariant()} column, and this column is '{document.Type}'.");
            }
        }

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

        return new ColumnSchema(name, type, categories, unknown, classes, regression, missing)
        {
            Numeric = type == ColumnType.Numeric ? ValidateNumeric(document, field, source, missing) : NumericOptions.Default,
            Text = type == ColumnType.Text ? ValidateText(document, field, source) : null,
        };
    }

    private static NumericOptions ValidateNumeric(SchemaDocument.ColumnDocument document, string field, string source, MissingPolicy missing)
    {
        if (document.Fill is { } fill && !double.IsFinite(fill))
        {
            throw DataFormatException.ForField(source, $"{field}.fill", "the fill value must be a finite number.");
        }

        if (missing == MissingPolicy.ImputeConstant && document.Fill is null)
        {
            throw DataFormatException.ForField(source, $"{field}.fill", "the missing-value policy is impute-constant, so the column needs a \"fill\" value.");
        }

        if (document.Indicator == true && missing is MissingPolicy.Reject or MissingPolicy.DropRow)
        {
            throw DataFormatException.ForField(
                source, $"{field}.indicator", "a missing indicator needs a policy that keeps missing cells (impute-mean, impute-zero or impute-constant).");
        }

        (double, double)? range = null;
        if (document.Range is { } bounds)
        {
            if (bounds.Count != 2 || !double.IsFinite(bounds[0]) || !double.IsFinite(bounds[1]) || bounds[0] >= bounds[1])
            {
                throw DataFormatException.ForField(source, $"{field}.range", "the range must be two finite numbers [lo, hi] with lo < hi.");
            }

            range = (bounds[0], bounds[1]);
        }

        var scale = document.Scale switch
        {
            null or "standard" => NumericScaling.Standard,
            "minmax" => NumericScaling.MinMax,
            "none" => NumericScaling.None,
            _ => throw DataFormatException.ForField(source, $"{field}.scale", $"unknown scaling '{document.Scale}'; expected standard, minmax or none."),
        };

        BinSpec? bins = null;
        if (document.Bins is { } binning)
        {
            var method = binning.Method switch
            {
                null or "equal-width" => BinningMethod.EqualWidth,
                "quantile" => BinningMethod.Quantile,
                _ => throw DataFormatException.ForField(source, $"{field}.bins.method", $"unknown binning '{binning.Method}'; expected equal-width or quantile."),
            };
            if (binning.Count is not (>= 2 and <= 1000))
            {
                throw DataFormatException.ForField(source, $"{field}.bins.count", "the bin count must be between 2 and 1000.");
            }

            if (binning.Resolution is not null && method != BinningMethod.Quantile)
            {
                throw DataFormatException.ForField(source, $"{field}.bins.resolution", "a resolution is only for quantile bins.");
            }

            if (binning.Resolution is { } resolution && (resolution < binning.Count || resolution > 100_000))
            {
                throw DataFormatException.ForField(source, $"{field}.bins.resolution", $"the resolution must be between the bin count ({binning.Count}) and 100000.");
            }

            if (document.Scale is not null)
            {
                throw DataFormatException.ForField(source, $"{field}.scale", "a binned column is one-hot encoded, so it takes no scaling.");
            }

            bins = new BinSpec(binning.Count.Value, method, binning.Resolution ?? 1000);
        }

        if ((scale == NumericScaling.MinMax || bins is not null) && range is null)
        {
            throw DataFormatException.ForField(
                source, $"{field}.range", "min-max scaling and binning need the federation's agreed \"range\": [lo, hi].");
        }

        return new NumericOptions { Scale = scale, Range = range, Fill = document.Fill ?? 0.0, Indicator = document.Indicator ?? false, Bins = bins };
    }

    private static TextOptions ValidateText(SchemaDocument.ColumnDocument document, string field, string source)
    {
        var features = document.Features ?? 1024;
        if (features is < 1 or > 1 << 20)
        {
            throw DataFormatException.ForField(source, $"{field}.features", $"the hashed dimension must be between 1 and {1 << 20}, not {features}.");
        }

        var weighting = document.Weighting switch
        {
            null or "tfidf" => TextWeighting.TfIdf,
            "tf" => TextWeighting.TermFrequency,
            _ => throw DataFormatException.ForField(source, $"{field}.weighting", $"unknown weighting '{document.Weighting}'; expected tf or tfidf."),
        };

        var stopWords = new HashSet<string>(StringComparer.Ordinal);
        foreach (var word in document.StopWords ?? [])
        {
            if (string.IsNullOrEmpty(word) || Tokenizer.Plain.Tokenize(word) is not [var token] || token != word)
            {
                throw DataFormatException.ForField(
                    source, $"{field}.stopWords", $"'{word}' is not a single lower-case token as the tokeniser produces it, so it could never match.");
            }

            stopWords.Add(word);
        }

        return new TextOptions(features, weighting, stopWords);
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
        "impute-constant" => MissingPolicy.ImputeConstant,
        _ => throw DataFormatException.ForField(
            source, field, $"unknown missing-value policy '{value}'; expected reject, drop-row, impute-mean, impute-zero or impute-constant."),
    };

    private static string Field(string parent, string name)
    {
        var trimmed = Trim(parent);
        return trimmed.Length == 0 ? name : $"{trimmed}.{name}";
    }

    private static string Trim(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
