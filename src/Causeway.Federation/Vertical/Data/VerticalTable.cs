using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.Federation.Vertical.Training;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Data;

/// <summary>
/// One party's own table for vertical federated learning: its IDs, its encoded feature columns and, at the guest, the
/// labels. Party-private: nothing here leaves the party. Private set intersection finds the IDs every party holds;
/// <see cref="CanonicalOrder"/> turns them into the row order all parties share, and <see cref="Align"/> returns this
/// party's rows in that order.
/// </summary>
/// <remarks>
/// The schema is a <see cref="DataSchema"/> with exactly one <c>id</c> column (the key PSI matches on) and at most one
/// label column: the guest's schema has it, a host's has none. A host's file needs a header, since its columns are
/// matched by name. IDs are normalised as PSI normalises them (<see cref="PsiIdNormalizer"/>) and a repeated ID keeps
/// its first row only, as in PSI, so that a training row is one ID. Features are encoded by <see cref="FeatureEncoder"/>
/// with <see cref="FeatureStatistics"/> of this party's rows: every column is a single party's, so standardising it needs
/// no other party, and it is fixed before alignment.
/// </remarks>
public sealed class VerticalTable
{
    // DataSchema requires one label column; a host's schema is read with this stand-in, absent from its file.
    private const string NoLabel = "(no label)";

    private readonly Dictionary<string, int> _rowById;

    private VerticalTable(
        string sourceName, string[] ids, Dictionary<string, int> rowById, int duplicates, VerticalPartyData features, float[]? labels, DataSchema schema, FeatureStatistics statistics)
    {
        SourceName = sourceName;
        Schema = schema;
        Statistics = statistics;
        Ids = ids;
        _rowById = rowById;
        Duplicates = duplicates;
        Features = features;
        Labels = labels;
    }

    /// <summary>The file the rows came from, used in error messages.</summary>
    public string SourceName { get; }

    /// <summary>The party's schema: its ID column, its feature columns and, at the guest, the label.</summary>
    public DataSchema Schema { get; }

    /// <summary>The statistics of this party's rows that its features were encoded with.</summary>
    public FeatureStatistics Statistics { get; }

    /// <summary>The normalised ID of each row, in file order; distinct.</summary>
    public IReadOnlyList<string> Ids { get; }

    /// <summary>The number of rows (distinct IDs).</summary>
    public int Rows => Ids.Count;

    /// <summary>Rows dropped because their ID (after normalisation) repeats an earlier row's; worth a warning to the operator.</summary>
    public int Duplicates { get; }

    /// <summary>The encoded features of every row, in file order, with the encoder's feature names.</summary>
    public VerticalPartyData Features { get; }

    /// <summary>The label of every row, in file order (the class index, or the target); null at a host.</summary>
    public float[]? Labels { get; }

    /// <summary>Reads and encodes a party's table.</summary>
    /// <param name="csvPath">The table file.</param>
    /// <param name="schemaPath">Its schema: exactly one <c>id</c> column, at most one label column.</param>
    /// <param name="idOptions">How IDs are normalised; the options of the PSI session, <see cref="PsiIdOptions.Default"/> when null.</param>
    /// <exception cref="VerticalDataException">The schema has no single ID column, more than one label column or no feature column, or an ID is empty, too long or malformed.</exception>
    /// <exception cref="DataFormatException">The schema or the file is malformed, or the guest's file lacks its label column.</exception>
    public static VerticalTable Load(string csvPath, string schemaPath, PsiIdOptions? idOptions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(csvPath);
        ArgumentException.ThrowIfNullOrEmpty(schemaPath);
        var (schema, hasLabel) = LoadSchema(schemaPath);
        var idColumn = IdColumn(schema);
        if (FeatureEncoder.FeatureCount(schema) == 0)
        {
            throw new VerticalDataException($"{schemaPath}: columns: the schema has no numeric, categorical or text column, so the party holds no feature.");
        }

        var table = TableReader.Read(csvPath, schema, hasLabel ? LabelPresence.Required : LabelPresence.Optional);
        var normalizer = new PsiIdNormalizer(idOptions ?? PsiIdOptions.Default);
        var raw = table.Ids(idColumn);
        var ids = new List<string>(raw.Length);
        var kept = new List<int>(raw.Length);
        var rowById = new Dictionary<string, int>(raw.Length, StringComparer.Ordinal);
        for (var row = 0; row < raw.Length; row++)
        {
            string id;
            try
            {
                id = normalizer.Normalize(raw[row], row);
            }
            catch (InvalidPsiIdException e)
            {
                throw new VerticalDataException($"{csvPath}, column '{idColumn}' (data rows counted from 0): {e.Message}", e);
            }

            if (rowById.TryAdd(id, ids.Count))
            {
                ids.Add(id);
                kept.Add(row);
            }
        }

        if (kept.Count < table.Rows)
        {
            table = table.Select([.. kept]);
        }

        var statistics = FeatureStatistics.Compute(table);
        var encoded = FeatureEncoder.Encode(table, schema, statistics);
        var features = new VerticalPartyData(encoded.Features, encoded.Rows, encoded.Columns, encoded.FeatureNames);
        return new VerticalTable(csvPath, [.. ids], rowById, raw.Length - ids.Count, features, hasLabel ? encoded.Labels : null, schema, statistics);
    }

    /// <summary>This party's features of the given IDs, row i being <paramref name="alignedIds"/>[i].</summary>
    /// <param name="alignedIds">Normalised IDs in the order every party agreed on, such as <see cref="CanonicalOrder"/> of the intersection.</param>
    /// <exception cref="VerticalDataException">An ID is not in this table (the first such is named), or an ID is listed twice.</exception>
    public VerticalPartyData Align(IReadOnlyList<string> alignedIds) => Features.Select(RowsOf(alignedIds));

    /// <summary>The labels of the given IDs, in their order (the guest only).</summary>
    /// <exception cref="VerticalDataException">As for <see cref="Align"/>.</exception>
    /// <exception cref="InvalidOperationException">This is a host's table, without labels.</exception>
    public float[] AlignLabels(IReadOnlyList<string> alignedIds)
    {
        if (Labels is null)
        {
            throw new InvalidOperationException($"{SourceName} has no label column: only the guest's table has labels.");
        }

        var rows = RowsOf(alignedIds);
        var labels = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            labels[i] = Labels[rows[i]];
        }

        return labels;
    }

    /// <summary>Finds the row of a normalised ID (vertical inference of one ID); false when this party does not hold it.</summary>
    public bool TryFindRow(string normalisedId, out int row) => _rowById.TryGetValue(normalisedId, out row);

    /// <summary>The order of rows every party derives from the same set of IDs: each ID normalised, repeats removed, sorted ordinally.</summary>
    /// <remarks>
    /// PSI tells each party which of its own rows are in the intersection, in its own file order, which differs between
    /// parties. Sorting the normalised IDs needs no further exchange and gives every party that learns the same
    /// intersection the same order, so row i of every party is the same person. The sort is ordinal on UTF-16 code units
    /// (<see cref="StringComparer.Ordinal"/>), which for IDs outside the BMP differs from UTF-8 byte order: another
    /// implementation must sort the same way.
    /// </remarks>
    /// <param name="ids">IDs, raw or already normalised (normalisation is idempotent).</param>
    /// <param name="options">The PSI session's ID options.</param>
    /// <exception cref="InvalidPsiIdException">An ID is empty, too long or malformed; the message names its zero-based position.</exception>
    public static IReadOnlyList<string> CanonicalOrder(IEnumerable<string> ids, PsiIdOptions options)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(options);
        var normalizer = new PsiIdNormalizer(options);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var position = 0L;
        foreach (var id in ids)
        {
            distinct.Add(normalizer.Normalize(id, position++));
        }

        var order = distinct.ToArray();
        Array.Sort(order, StringComparer.Ordinal);
        return order;
    }

    /// <summary>The rows of the given IDs in this table, in their order.</summary>
    /// <exception cref="VerticalDataException">As for <see cref="Align"/>.</exception>
    public int[] RowsOf(IReadOnlyList<string> alignedIds)
    {
        ArgumentNullException.ThrowIfNull(alignedIds);
        var rows = new int[alignedIds.Count];
        var taken = new bool[Rows];
        for (var i = 0; i < rows.Length; i++)
        {
            if (!_rowById.TryGetValue(alignedIds[i], out rows[i]))
            {
                throw new VerticalDataException($"{SourceName}: the aligned ID '{alignedIds[i]}' (position {i}) is not in this table.");
            }

            if (taken[rows[i]])
            {
                throw new VerticalDataException($"{SourceName}: the aligned ID '{alignedIds[i]}' is listed twice (again at position {i}).");
            }

            taken[rows[i]] = true;
        }

        return rows;
    }

    /// <summary>The schema, and whether it has a label column; a schema without one gets the <see cref="NoLabel"/> stand-in.</summary>
    private static (DataSchema Schema, bool HasLabel) LoadSchema(string path)
    {
        var json = File.ReadAllText(path);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException)
        {
            root = null;
        }

        if (root is not JsonObject document || document["columns"] is not JsonArray columns)
        {
            // Not a schema: DataSchema says what is wrong, and where.
            return (DataSchema.Parse(json, path), true);
        }

        var labels = columns.OfType<JsonObject>().Where(c => Text(c["type"]) == "label").Select(c => $"'{Text(c["name"])}'").ToList();
        if (labels.Count > 1)
        {
            throw new VerticalDataException($"{path}: columns: {labels.Count} label columns ({string.Join(", ", labels)}); a vertical party holds at most one (the guest).");
        }

        if (labels.Count == 1)
        {
            // The text as written, so that error positions are the file's.
            return (DataSchema.Parse(json, path), true);
        }

        // Appended last, so the field paths of errors (columns[i]) still point at the file's own columns.
        columns.Add(new JsonObject { ["name"] = NoLabel, ["type"] = "label", ["regression"] = true });
        var schema = DataSchema.Parse(document.ToJsonString(), path);
        if (!schema.Format.Header)
        {
            throw new VerticalDataException($"{path}: format.header: a table without a label column (a host's) needs a header, because its columns are matched by name.");
        }

        return (schema, false);
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static string IdColumn(DataSchema schema)
    {
        var ids = schema.Columns.Where(c => c.Type == ColumnType.Id).Select(c => c.Name).ToList();
        return ids.Count == 1
            ? ids[0]
            : throw new VerticalDataException(ids.Count == 0
                ? $"{schema.SourceName}: columns: no \"id\" column; a vertical party's schema needs exactly one, the key PSI matches on."
                : $"{schema.SourceName}: columns: {ids.Count} \"id\" columns ({string.Join(", ", ids.Select(n => $"'{n}'"))}); a vertical party's schema needs exactly one, the key PSI matches on.");
    }
}
