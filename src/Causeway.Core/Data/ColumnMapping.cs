using System.Text.Json;

namespace Causeway.Core.Data;

/// <summary>
/// A party's mapping file from its local column names and units to the federation's shared schema:
/// <c>{"columns": {"Temp_F": {"name": "temperature", "unit": "fahrenheit→celsius"}, "Hum": {"name": "humidity"}}}</c>.
/// </summary>
/// <remarks>
/// <see cref="TableReader.Read(string, DataSchema, ColumnMapping)"/> reads a file whose header uses the local names:
/// each mapped header name is replaced by its shared name (unmapped names must already be shared names), and each
/// numeric value of a column with a unit is converted (<see cref="UnitConversion"/>) as it is parsed, before anything else
/// sees it (an imputed value is already in shared units and is not converted).
/// <see cref="Validate"/> checks the mapping against the schema before training; every error names the mapping file
/// and the field (<c>columns.Temp_F.unit</c>).
/// </remarks>
public sealed class ColumnMapping
{
    private ColumnMapping(string sourceName, IReadOnlyDictionary<string, MappedColumn> columns)
    {
        SourceName = sourceName;
        Columns = columns;
    }

    /// <summary>Where the mapping was read from, used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>Per local column name, its shared name and unit conversion.</summary>
    public IReadOnlyDictionary<string, MappedColumn> Columns { get; }

    /// <summary>Reads a mapping file and checks its own syntax and units (not yet against a schema: see <see cref="Validate"/>).</summary>
    /// <exception cref="DataFormatException">The file is not valid JSON, or a field is wrong; the message names the file and the field.</exception>
    public static ColumnMapping Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses a mapping; <paramref name="sourceName"/> names it in error messages.</summary>
    /// <exception cref="DataFormatException">As for <see cref="Load"/>.</exception>
    public static ColumnMapping Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        Document? document;
        try
        {
            document = JsonSerializer.Deserialize<Document>(json, DataSchema.JsonOptions);
        }
        catch (JsonException e)
        {
            throw DataSchema.Describe(sourceName, e);
        }

        if (document?.Columns is not { Count: > 0 } columns)
        {
            throw DataFormatException.ForField(sourceName, "columns", "the mapping needs a non-empty \"columns\" object from local names to {\"name\", \"unit\"}.");
        }

        var result = new Dictionary<string, MappedColumn>(StringComparer.Ordinal);
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (local, entry) in columns)
        {
            var field = $"columns.{local}";
            if (entry is null || string.IsNullOrWhiteSpace(entry.Name))
            {
                throw DataFormatException.ForField(sourceName, $"{field}.name", "every mapped column needs the shared \"name\" it takes.");
            }

            if (!targets.TryAdd(entry.Name, local))
            {
                throw DataFormatException.ForField(sourceName, $"{field}.name", $"'{targets[entry.Name]}' already maps to '{entry.Name}'; two local columns cannot share one shared name.");
            }

            UnitConversion? unit = null;
            if (entry.Unit is not null && !UnitConversion.TryParse(entry.Unit, out unit, out var problem))
            {
                throw DataFormatException.ForField(sourceName, $"{field}.unit", $"the unit is not convertible: {problem}");
            }

            result[local] = new MappedColumn(entry.Name, unit);
        }

        return new ColumnMapping(sourceName, result);
    }

    /// <summary>Checks that every shared name is a column of <paramref name="schema"/> and that units convert numeric columns only.</summary>
    /// <remarks>For a windowed schema the mapping applies to the long table, so it is checked against <see cref="WindowSpec.Input"/>.</remarks>
    /// <exception cref="DataFormatException">Unknown column or type mismatch; the message names the mapping file and the field.</exception>
    public void Validate(DataSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var columns = schema.Window?.Input ?? schema;
        foreach (var (local, mapped) in Columns)
        {
            var target = columns.Find(mapped.Name)
                ?? throw DataFormatException.ForField(
                    SourceName, $"columns.{local}.name", $"unknown column: '{mapped.Name}' is not a column of the federation schema '{schema.SourceName}'.");
            if (mapped.Unit is not null && target.Type != ColumnType.Numeric)
            {
                throw DataFormatException.ForField(
                    SourceName, $"columns.{local}.unit", $"type mismatch: '{mapped.Name}' is a {target.Type.ToString().ToLowerInvariant()} column in '{schema.SourceName}', and only numeric columns have units.");
            }
        }
    }

    /// <summary>The shared name of a local column name: its mapped name, or the name itself when unmapped.</summary>
    public string SharedName(string local) => Columns.TryGetValue(local, out var mapped) ? mapped.Name : local;

    /// <summary>Per column of <paramref name="schema"/>, the conversion of its values, or null.</summary>
    internal UnitConversion?[] ConversionsFor(DataSchema schema)
    {
        var conversions = new UnitConversion?[schema.Columns.Count];
        foreach (var mapped in Columns.Values)
        {
            if (mapped.Unit is not null && schema.IndexOf(mapped.Name) is >= 0 and var index)
            {
                conversions[index] = mapped.Unit;
            }
        }

        return conversions;
    }

    private sealed class Document
    {
        public Dictionary<string, Entry?>? Columns { get; set; }
    }

    private sealed class Entry
    {
        public string? Name { get; set; }

        public string? Unit { get; set; }
    }
}
