using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Causeway.Core.Data;

/// <summary>What <see cref="SchemaInference"/> may be told: the label, the id columns and the limits it decides by.</summary>
public sealed record SchemaInferenceOptions
{
    /// <summary>The label column's name, or null to take a column named label, target, class, y or outcome, else the last column.</summary>
    public string? Label { get; init; }

    /// <summary>Columns that are identifiers (never features), besides those inferred. Default none.</summary>
    public IReadOnlyList<string> Ids { get; init; } = [];

    /// <summary>
    /// At most this many distinct values make a non-numeric column categorical (one-hot, one feature each); more make it
    /// text, an id or ignored. Default 50.
    /// </summary>
    public int MaxCategories { get; init; } = 50;

    /// <summary>At most this many distinct integer labels make a numeric label a class label; more make it regression. Default 20.</summary>
    public int MaxClasses { get; init; } = 20;

    /// <summary>Rows read; a larger file is inferred from its first rows (its later categories may then be missing). Default 1,000,000.</summary>
    public int MaxRows { get; init; } = 1_000_000;
}

/// <summary>One column as inferred: its name, its type and why, in words a reviewer can check.</summary>
/// <param name="Name">The column's name (from the header, or <c>column1</c>, <c>column2</c>, ... without one).</param>
/// <param name="Type">The type written to the schema.</param>
/// <param name="Reason">Why, e.g. "3 categories" or "all 569 values distinct integers".</param>
public sealed record InferredColumn(string Name, ColumnType Type, string Reason);

/// <summary>The inferred schema: its JSON (already validated by <see cref="DataSchema.Parse"/>), the columns and notes to review.</summary>
/// <param name="Json">The schema file's text.</param>
/// <param name="Schema">The same schema, parsed.</param>
/// <param name="Columns">Every column, with the reason for its type.</param>
/// <param name="Rows">Data rows read (the header excluded).</param>
/// <param name="Notes">What the reviewer should check, one sentence each.</param>
public sealed record InferredSchema(string Json, DataSchema Schema, IReadOnlyList<InferredColumn> Columns, int Rows, IReadOnlyList<string> Notes);

/// <summary>
/// Infers a schema from a CSV/TSV file, for a person to review before a federation agrees it: the delimiter, whether
/// the first line is a header, the missing-value markers, every column's type, each categorical column's categories and
/// the label's class mapping.
/// </summary>
/// <remarks>
/// <para>Decisions, in order:</para>
/// <list type="number">
/// <item><b>Delimiter:</b> of <c>,</c> <c>;</c> tab and <c>|</c>, the one that splits most of the first 20 lines (at least 80 %) into the
/// same number (≥ 2) of fields, more fields winning a tie.</item>
/// <item><b>Header:</b> the first line is a header when some column is numeric below it but not in it, or when none of its
/// fields is numeric and none recurs in its column below.</item>
/// <item><b>Missing markers:</b> of the empty field, <c>?</c>, <c>NA</c>, <c>N/A</c>, <c>NaN</c>, <c>null</c> and <c>NULL</c>, those that occur.
/// When a feature has a missing value the schema imputes (<c>"missing": "impute-mean"</c>: the federation's mean, all-zero
/// one-hot); a label with one drops its rows.</item>
/// <item><b>Types:</b> an id named by the options; the label; a numeric column unless its values are distinct integers (an id,
/// since a row number is not a feature); a non-numeric column with at most <see cref="SchemaInferenceOptions.MaxCategories"/> values is
/// categorical, one of three or more words on average text, one whose values are all distinct an id, and any other ignored.</item>
/// <item><b>Label classes:</b> a numeric label with more than <see cref="SchemaInferenceOptions.MaxClasses"/> values, or a fractional one,
/// is regression. Two classes map to 0 and 1 with 1 the positive: 1, yes or true where the values say so, else the rarer value.
/// More classes are numbered in sorted order.</item>
/// </list>
/// Category lists are what every party of a federation must share: each party's file may hold values another's lacks,
/// so a schema inferred at one party is a draft (<see cref="Merge"/> unions the parties' drafts).
/// </remarks>
public static class SchemaInference
{
    private static readonly string[] Delimiters = [",", ";", "\t", "|"];
    private static readonly string[] MissingMarkers = ["", "?", "NA", "N/A", "NaN", "null", "NULL"];
    private static readonly string[] LabelNames = ["label", "target", "class", "y", "outcome"];

    /// <summary>Lines the delimiter and the header are decided from. 20.</summary>
    private const int SniffLines = 20;

    /// <summary>Distinct values tracked per column; beyond it a column counts as having "many". 100,000.</summary>
    private const int DistinctCap = 100_000;

    /// <summary>Infers the schema of the file at <paramref name="path"/>.</summary>
    /// <exception cref="DataFormatException">The file has no data rows, no consistent delimiter, or the label named is not a column.</exception>
    public static InferredSchema Infer(string path, SchemaInferenceOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Infer(() => new StreamReader(path, detectEncodingFromByteOrderMarks: true), path, options);
    }

    /// <summary>Infers the schema of the text <paramref name="open"/> returns (called twice: once to sniff, once to read).</summary>
    public static InferredSchema Infer(Func<TextReader> open, string sourceName, SchemaInferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(options);
        string[] head;
        using (var reader = open())
        {
            head = [.. ReadLines(reader).Where(l => !string.IsNullOrWhiteSpace(l)).Take(SniffLines)];
        }

        if (head.Length == 0)
        {
            throw DataFormatException.ForField(sourceName, "$", "the file has no lines to infer a schema from.");
        }

        var delimiter = DetectDelimiter(head, sourceName);
        var format = new TableFormat { Delimiter = delimiter, Quoted = delimiter != "\t", MissingValues = [] };
        List<string> first = [];
        ColumnProfile[] profiles;
        var rows = 0;
        using (var reader = open())
        {
            var records = new RecordReader(reader, format, sourceName);
            records.TryRead(first);
            profiles = [.. first.Select(_ => new ColumnProfile())];
            var fields = new List<string>();
            while (rows < options.MaxRows && records.TryRead(fields))
            {
                if (fields.Count != profiles.Length)
                {
                    throw new DataFormatException(sourceName, records.Line, null, $"has {fields.Count} fields, the first line {profiles.Length}; is '{Printable(delimiter)}' the delimiter?");
                }

                for (var c = 0; c < fields.Count; c++)
                {
                    profiles[c].Add(fields[c].Trim());
                }

                rows++;
            }
        }

        var header = rows > 0 && IsHeader(first, profiles);
        string[] names;
        if (header)
        {
            names = [.. first.Select(f => f.Trim())];
            var repeated = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1 || g.Key.Length == 0);
            if (repeated is not null)
            {
                throw new DataFormatException(sourceName, 1, null, repeated.Key.Length == 0 ? "the header has an empty column name." : $"the header names '{repeated.Key}' twice.");
            }
        }
        else
        {
            names = [.. first.Select((_, i) => "column" + (i + 1).ToString(CultureInfo.InvariantCulture))];
            for (var c = 0; c < first.Count; c++)
            {
                profiles[c].Add(first[c].Trim());
            }

            rows++;
        }

        if (rows == 0)
        {
            throw DataFormatException.ForField(sourceName, "$", "the file has a header but no data rows to infer a schema from.");
        }

        return Build(sourceName, format with { Header = header }, names, profiles, rows, options);
    }

    /// <summary>
    /// Unions schemas inferred at several parties into one they can all agree: the same columns in the same order, the
    /// union of every categorical column's categories and every label class's values, the union of missing markers. A
    /// column numeric at one party and categorical at another becomes categorical (its values as categories); any other
    /// disagreement is an error naming the column.
    /// </summary>
    /// <exception cref="DataFormatException">The schemas disagree on columns, delimiter, header, or a type that cannot be reconciled.</exception>
    public static string Merge(IReadOnlyList<(string Json, string SourceName)> drafts)
    {
        ArgumentNullException.ThrowIfNull(drafts);
        if (drafts.Count == 0)
        {
            throw new ArgumentException("at least one schema is needed.", nameof(drafts));
        }

        var parsed = drafts.Select(d => (Node: JsonNode.Parse(d.Json)!.AsObject(), d.SourceName, Schema: DataSchema.Parse(d.Json, d.SourceName))).ToList();
        var (merged, firstSource, firstSchema) = (parsed[0].Node.DeepClone().AsObject(), parsed[0].SourceName, parsed[0].Schema);
        var columns = merged["columns"]!.AsArray();
        foreach (var (node, source, schema) in parsed.Skip(1))
        {
            if (schema.Format.Delimiter != firstSchema.Format.Delimiter || schema.Format.Header != firstSchema.Format.Header)
            {
                throw DataFormatException.ForField(source, "format", $"its delimiter or header differs from {firstSource}'s; the parties' files must share one layout.");
            }

            var other = node["columns"]!.AsArray();
            if (other.Count != columns.Count)
            {
                throw DataFormatException.ForField(source, "columns", $"has {other.Count} columns, {firstSource} {columns.Count}.");
            }

            for (var c = 0; c < columns.Count; c++)
            {
                columns[c] = MergeColumn(columns[c]!.AsObject(), other[c]!.AsObject(), source, c);
            }

            var markers = Union(merged["format"]?["missingValues"]?.AsArray(), node["format"]?["missingValues"]?.AsArray());
            if (markers.Count > 0)
            {
                merged["format"]!["missingValues"] = new JsonArray([.. markers.Select(m => JsonValue.Create(m))]);
            }

            if (node["missing"] is not null && merged["missing"] is null)
            {
                merged["missing"] = node["missing"]!.DeepClone();
            }
        }

        var json = Write(merged);
        DataSchema.Parse(json, "the merged schema");
        return json;
    }

    private static JsonObject MergeColumn(JsonObject mine, JsonObject theirs, string source, int index)
    {
        var name = (string?)mine["name"];
        if (!string.Equals(name, (string?)theirs["name"], StringComparison.Ordinal))
        {
            throw DataFormatException.ForField(source, $"columns[{index}]", $"is named '{theirs["name"]}' where the first schema has '{name}'.");
        }

        var (a, b) = ((string?)mine["type"], (string?)theirs["type"]);
        if (a == b && a is "categorical")
        {
            var merged = mine.DeepClone().AsObject();
            merged["categories"] = new JsonArray([.. Union(mine["categories"]?.AsArray(), theirs["categories"]?.AsArray()).Order(StringComparer.Ordinal).Select(v => JsonValue.Create(v))]);
            return merged;
        }

        if (a == b && a is "label" && mine["classes"] is JsonObject classes && theirs["classes"] is JsonObject otherClasses)
        {
            // The first draft's mapping stands (drafts may pick different positive classes); values only another draft
            // saw join the class that draft gave them.
            var merged = mine.DeepClone().AsObject();
            var mapped = classes.SelectMany(p => p.Value!.AsArray().Select(v => (string)v!)).ToHashSet(StringComparer.Ordinal);
            var mergedClasses = merged["classes"]!.AsObject();
            foreach (var (key, values) in otherClasses)
            {
                foreach (var value in values!.AsArray().Select(v => (string)v!).Where(mapped.Add))
                {
                    if (mergedClasses[key] is not JsonArray target)
                    {
                        mergedClasses[key] = target = [];
                    }

                    target.Add(value);
                }
            }

            return merged;
        }

        if (a == b)
        {
            return mine.DeepClone().AsObject();
        }

        throw DataFormatException.ForField(
            source, $"columns[{index}]", $"'{name}' is {b} here and {a} in the first schema; make the drafts agree by hand (a party's values may need to be categories).");
    }

    private static List<string> Union(JsonArray? a, JsonArray? b) =>
        [.. (a ?? []).Concat(b ?? []).Select(n => (string)n!).Distinct(StringComparer.Ordinal)];

    private static InferredSchema Build(string sourceName, TableFormat format, string[] names, ColumnProfile[] profiles, int rows, SchemaInferenceOptions options)
    {
        var markers = MissingMarkers.Where(m => profiles.Any(p => p.Count(m) > 0)).ToList();
        var labelIndex = LabelIndex(names, options.Label, sourceName);
        var notes = new List<string>();
        if (options.Label is null)
        {
            notes.Add($"The label is '{names[labelIndex]}' ({(LabelNames.Contains(names[labelIndex], StringComparer.OrdinalIgnoreCase) ? "by its name" : "the last column")}); pass --label to choose another.");
        }

        foreach (var id in options.Ids.Where(id => !names.Contains(id, StringComparer.Ordinal)))
        {
            throw new DataFormatException(sourceName, null, null, $"--id names '{id}', which is not a column of the file (its columns: {string.Join(", ", names)}).");
        }

        var columns = new List<InferredColumn>();
        var nodes = new JsonArray();
        var featureMissing = false;
        for (var c = 0; c < names.Length; c++)
        {
            var profile = profiles[c].WithoutMissing(markers);
            var (column, node) = c == labelIndex
                ? Label(sourceName, names[c], profile, options, notes)
                : Feature(names[c], profile, options, options.Ids.Contains(names[c], StringComparer.Ordinal));
            featureMissing |= c != labelIndex && column.Type is ColumnType.Numeric or ColumnType.Categorical or ColumnType.Text && profile.Missing > 0;
            columns.Add(column);
            nodes.Add(node);
        }

        var formatNode = new JsonObject { ["delimiter"] = format.Delimiter, ["header"] = format.Header };
        if (!format.Quoted)
        {
            formatNode["quoted"] = false;
        }

        formatNode["missingValues"] = new JsonArray([.. (markers.Count == 0 ? [string.Empty] : markers).Select(m => JsonValue.Create(m))]);
        var document = new JsonObject { ["format"] = formatNode, ["columns"] = nodes };
        if (featureMissing)
        {
            document["missing"] = "impute-mean";
            notes.Add("Some features have missing values: they are imputed (the federation's mean; an all-zero one-hot for a category). Use \"missing\": \"reject\" or \"drop-row\" to refuse or skip such rows.");
        }

        notes.Add("Every party must use the same schema: a category one party's file lacks must still be listed. Infer at each party and merge the drafts (`causeway schema merge`), or add the missing categories by hand.");
        var json = Write(document);
        return new InferredSchema(json, DataSchema.Parse(json, sourceName + " (inferred schema)"), columns, rows, notes);
    }

    private static (InferredColumn Column, JsonObject Node) Feature(string name, ColumnProfile profile, SchemaInferenceOptions options, bool namedId)
    {
        JsonObject Node(string type) => new() { ["name"] = name, ["type"] = type };
        if (namedId)
        {
            return (new InferredColumn(name, ColumnType.Id, "named by --id"), Node("id"));
        }

        if (profile.Present == 0)
        {
            return (new InferredColumn(name, ColumnType.Ignore, "every value is missing"), Node("ignore"));
        }

        var allDistinct = profile.Distinct == profile.Present && profile.Present >= 20 && profile.Missing == 0;
        if (profile.Numeric == profile.Present)
        {
            return allDistinct && profile.Integers == profile.Present
                ? (new InferredColumn(name, ColumnType.Id, $"all {profile.Present} values are distinct integers, like a row number; make it numeric if it is a measurement"), Node("id"))
                : (new InferredColumn(name, ColumnType.Numeric, profile.Missing > 0 ? $"numbers, {profile.Missing} missing" : "numbers"), Node("numeric"));
        }

        if (profile.Distinct <= options.MaxCategories)
        {
            var categories = profile.Values.Order(NaturalOrder.Instance).ToList();
            var node = Node("categorical");
            node["categories"] = new JsonArray([.. categories.Select(v => JsonValue.Create(v))]);
            return (new InferredColumn(name, ColumnType.Categorical, $"{categories.Count} categories" + (profile.Missing > 0 ? $", {profile.Missing} missing" : string.Empty)), node);
        }

        if (profile.MeanWords >= 3)
        {
            return (new InferredColumn(name, ColumnType.Text, $"{profile.MeanWords:F1} words a value on average: hashed into text features"), Node("text"));
        }

        return allDistinct
            ? (new InferredColumn(name, ColumnType.Id, $"all {profile.Present} values distinct"), Node("id"))
            : (new InferredColumn(name, ColumnType.Ignore, $"{(profile.Distinct >= DistinctCap ? "too many" : profile.Distinct.ToString(CultureInfo.InvariantCulture))} distinct values: too many for categories; list the ones that matter by hand to use it"), Node("ignore"));
    }

    private static (InferredColumn Column, JsonObject Node) Label(string sourceName, string name, ColumnProfile profile, SchemaInferenceOptions options, List<string> notes)
    {
        var node = new JsonObject { ["name"] = name, ["type"] = "label" };
        if (profile.Present == 0)
        {
            throw new DataFormatException(sourceName, null, name, "the label has no values; pass --label to name the label column.");
        }

        if (profile.Missing > 0)
        {
            node["missing"] = "drop-row";
            notes.Add($"The label '{name}' is missing in {profile.Missing} rows: they are skipped (\"missing\": \"drop-row\").");
        }

        var numeric = profile.Numeric == profile.Present;
        if (numeric && (profile.Integers < profile.Present || profile.Distinct > options.MaxClasses))
        {
            node["regression"] = true;
            return (new InferredColumn(name, ColumnType.Label, $"regression ({(profile.Distinct >= DistinctCap ? "many" : profile.Distinct.ToString(CultureInfo.InvariantCulture))} distinct numbers)"), node);
        }

        if (profile.Distinct < 2)
        {
            throw new DataFormatException(sourceName, null, name, $"the label has a single value, '{profile.Values.Single()}'; a classifier needs two classes, or pass --label to name another column.");
        }

        if (profile.Distinct > options.MaxCategories)
        {
            throw new DataFormatException(sourceName, null, name, $"the label has {profile.Distinct} distinct non-numeric values, too many for classes; pass --label to name the label column.");
        }

        var values = profile.Values.Order(NaturalOrder.Instance).ToList();
        var classes = new JsonObject();
        string reason;
        if (values.Count == 2)
        {
            var positive = PositiveOf(values, profile);
            var negative = values.Single(v => v != positive);
            classes["0"] = new JsonArray(JsonValue.Create(negative));
            classes["1"] = new JsonArray(JsonValue.Create(positive));
            reason = $"two classes: 1 is '{positive}' ({profile.Count(positive)} rows), 0 is '{negative}' ({profile.Count(negative)} rows)";
            notes.Add($"The positive class (1) is '{positive}'; swap the two in \"classes\" if you mean '{negative}'.");
        }
        else
        {
            for (var i = 0; i < values.Count; i++)
            {
                classes[i.ToString(CultureInfo.InvariantCulture)] = new JsonArray(JsonValue.Create(values[i]));
            }

            reason = $"{values.Count} classes, numbered in sorted order";
        }

        node["classes"] = classes;
        return (new InferredColumn(name, ColumnType.Label, reason), node);
    }

    // 1, yes or true where the values say so; otherwise the rarer value (the later one in sorted order on a tie).
    private static string PositiveOf(List<string> values, ColumnProfile profile)
    {
        foreach (var word in new[] { "1", "yes", "true", "y", "t", "positive" })
        {
            if (values.FirstOrDefault(v => v.Equals(word, StringComparison.OrdinalIgnoreCase)) is { } match
                && values.Any(v => v.Equals(Opposite(word), StringComparison.OrdinalIgnoreCase)))
            {
                return match;
            }
        }

        return profile.Count(values[0]) < profile.Count(values[1]) ? values[0] : values[1];

        static string Opposite(string word) => word switch
        {
            "1" => "0", "yes" => "no", "true" => "false", "y" => "n", "t" => "f", _ => "negative",
        };
    }

    private static int LabelIndex(string[] names, string? label, string sourceName)
    {
        if (label is not null)
        {
            var index = Array.IndexOf(names, label);
            return index >= 0
                ? index
                : throw new DataFormatException(sourceName, null, null, $"--label names '{label}', which is not a column of the file (its columns: {string.Join(", ", names)}).");
        }

        var named = Array.FindIndex(names, n => LabelNames.Contains(n, StringComparer.OrdinalIgnoreCase));
        return named >= 0 ? named : names.Length - 1;
    }

    // The delimiter that splits at least 80 % of the lines into the same number (≥ 2) of fields; the most consistent
    // wins, then the one giving more fields. A ragged line is left for the full read to report by its number.
    private static string DetectDelimiter(string[] lines, string sourceName)
    {
        var best = (Delimiter: (string?)null, Share: 0.0, Fields: 1);
        foreach (var delimiter in Delimiters)
        {
            var format = new TableFormat { Delimiter = delimiter, Quoted = delimiter != "\t" };
            var counts = new List<int>();
            var records = new RecordReader(new StringReader(string.Join('\n', lines)), format, sourceName);
            var fields = new List<string>();
            try
            {
                while (records.TryRead(fields))
                {
                    counts.Add(fields.Count);
                }
            }
            catch (DataFormatException)
            {
                // An unterminated quote under this delimiter's reading: not this one.
                continue;
            }

            var mode = counts.GroupBy(c => c).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First();
            var share = (double)mode.Count() / counts.Count;
            if (mode.Key >= 2 && share >= 0.8 && (share > best.Share || (share == best.Share && mode.Key > best.Fields)))
            {
                best = (delimiter, share, mode.Key);
            }
        }

        return best.Delimiter ?? throw DataFormatException.ForField(
            sourceName, "format.delimiter", "no delimiter (comma, semicolon, tab or bar) splits the first lines into the same number of fields; write the schema's \"format\" by hand.");
    }

    // The first line is a header when a column is numeric below it but not in it, or when none of its fields is numeric
    // and none recurs in its column below (a header's names are not data values).
    private static bool IsHeader(List<string> first, ColumnProfile[] below)
    {
        var anyNumeric = false;
        for (var c = 0; c < first.Count; c++)
        {
            var field = first[c].Trim();
            var numeric = IsNumber(field, out _);
            anyNumeric |= numeric;
            if (!numeric && !MissingMarkers.Contains(field, StringComparer.Ordinal) && below[c].Numeric > 0 && below[c].Numeric == below[c].Present - below[c].CountMissingLike())
            {
                return true;
            }
        }

        return !anyNumeric && first.Select((f, c) => below[c].Count(f.Trim()) == 0).All(absent => absent);
    }

    private static bool IsNumber(string field, out double value) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static IEnumerable<string> ReadLines(TextReader reader)
    {
        while (reader.ReadLine() is { } line)
        {
            yield return line;
        }
    }

    private static string Printable(string delimiter) => delimiter == "\t" ? "\\t" : delimiter;

    // The schema file: "format" on one line, one column a line, so a reviewer reads it column by column.
    private static string Write(JsonObject document)
    {
        var compact = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var text = new StringBuilder("{\n");
        text.Append("  \"format\": ").Append(document["format"]!.ToJsonString(compact)).Append(",\n");
        text.Append("  \"columns\": [\n");
        var columns = document["columns"]!.AsArray();
        for (var i = 0; i < columns.Count; i++)
        {
            text.Append("    ").Append(columns[i]!.ToJsonString(compact)).Append(i < columns.Count - 1 ? ",\n" : "\n");
        }

        text.Append("  ]");
        foreach (var (key, value) in document.Where(p => p.Key is not ("format" or "columns")))
        {
            text.Append(",\n  ").Append(JsonSerializer.Serialize(key)).Append(": ").Append(value!.ToJsonString(compact));
        }

        return text.Append("\n}\n").ToString();
    }

    /// <summary>One column's values, counted: how many are numbers, integers, distinct, and missing-marker-like.</summary>
    private sealed class ColumnProfile
    {
        private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
        private long _words;

        public int Present { get; private set; }

        public int Numeric { get; private set; }

        public int Integers { get; private set; }

        public int Missing { get; private set; }

        /// <summary>Distinct values (capped at <see cref="DistinctCap"/>).</summary>
        public int Distinct => _counts.Count;

        public IEnumerable<string> Values => _counts.Keys;

        public double MeanWords => Present == 0 ? 0 : (double)_words / Present;

        public void Add(string value)
        {
            Present++;
            if (IsNumber(value, out var number))
            {
                Numeric++;
                if (Math.Abs(number) < 1e15 && number == Math.Floor(number))
                {
                    Integers++;
                }
            }

            _words += value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            if (_counts.TryGetValue(value, out var count))
            {
                _counts[value] = count + 1;
            }
            else if (_counts.Count < DistinctCap)
            {
                _counts[value] = 1;
            }
        }

        public int Count(string value) => _counts.GetValueOrDefault(value);

        // Values that are missing markers: excluded when deciding whether a column is numeric below a header.
        public int CountMissingLike() => MissingMarkers.Sum(Count);

        /// <summary>This profile with the missing markers taken out of the counts.</summary>
        public ColumnProfile WithoutMissing(IReadOnlyList<string> markers)
        {
            var result = new ColumnProfile { Numeric = Numeric, Integers = Integers, _words = _words };
            var missing = 0;
            foreach (var (value, count) in _counts)
            {
                if (markers.Contains(value, StringComparer.Ordinal))
                {
                    // No marker is a finite number, so the numeric counts stand.
                    missing += count;
                }
                else
                {
                    result._counts[value] = count;
                }
            }

            result.Present = Present - missing;
            result.Missing = missing;
            return result;
        }
    }

    /// <summary>Numbers in numeric order (2 before 10), then other values in ordinal order.</summary>
    private sealed class NaturalOrder : IComparer<string>
    {
        public static readonly NaturalOrder Instance = new();

        public int Compare(string? x, string? y)
        {
            var xNumber = IsNumber(x ?? string.Empty, out var a);
            var yNumber = IsNumber(y ?? string.Empty, out var b);
            return (xNumber, yNumber) switch
            {
                (true, true) => a != b ? a.CompareTo(b) : string.CompareOrdinal(x, y),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(x, y),
            };
        }
    }
}
