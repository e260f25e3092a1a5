using System.Globalization;
using System.Text.Json.Nodes;
using Causeway.Core.Data;
using Causeway.Core.Models;
using Causeway.Core.Serialization;

namespace Causeway.Party;

/// <summary>
/// A collection's encoder: a trained dense network, with its feature pipeline, whose last hidden layer turns a raw row
/// (the columns of the model's schema) into the collection's vector. Records and queries are embedded where they are:
/// raw rows never leave the party, only the vectors a query sends (docs/vectors.md, "Encoders").
/// </summary>
/// <remarks>
/// Kept as <c>encoder.cw</c> (a model file, docs/model-format.md) in the collection's folder. An install writes a new
/// file beside it, loads it to check it (a feature pipeline, a hidden layer as wide as the collection's dimension), and
/// only then renames it into place, so a bad model never replaces a good one.
/// </remarks>
public sealed class VectorEncoder
{
    /// <summary>The encoder's file in a collection's folder.</summary>
    public const string FileName = "encoder.cw";

    private readonly TrainedModel _model;

    private VectorEncoder(TrainedModel model) => _model = model;

    /// <summary>The columns a raw row has (the model's schema).</summary>
    public DataSchema Schema => _model.Schema;

    /// <summary>The vectors' width: the model's last hidden layer.</summary>
    public int Width => _model.Spec.EmbeddingWidth;

    /// <summary>The encoder of the collection in <paramref name="collectionFolder"/>, or null when it has none.</summary>
    /// <exception cref="InvalidDataException">The file is not a model with its feature pipeline.</exception>
    public static VectorEncoder? Load(string collectionFolder)
    {
        var path = Path.Combine(collectionFolder, FileName);
        return File.Exists(path) ? new VectorEncoder(TrainedModel.Load(path)) : null;
    }

    /// <summary>Installs the model file <paramref name="model"/> as the encoder of a collection of <paramref name="dimension"/> values.</summary>
    /// <returns>The installed encoder, or why the model was refused (the collection keeps its earlier encoder).</returns>
    public static (VectorEncoder? Encoder, string? Refusal) Install(string collectionFolder, ReadOnlySpan<byte> model, int dimension)
    {
        var candidate = Path.Combine(collectionFolder, FileName + ".new");
        File.WriteAllBytes(candidate, model);
        try
        {
            TrainedModel trained;
            try
            {
                trained = TrainedModel.Load(candidate);
            }
            catch (Exception e) when (e is InvalidDataException or DataFormatException or IOException)
            {
                return (null, $"not a model file with its feature pipeline: {e.Message}");
            }

            var width = trained.Spec.EmbeddingWidth;
            if (width != dimension)
            {
                return (null, width == 0
                    ? "the model has no hidden layer to embed with (a linear model); train a network with hidden layers"
                    : $"the model's last hidden layer has {width} units but the collection's vectors have {dimension} values");
            }

            using (var file = new FileStream(candidate, FileMode.Open, FileAccess.ReadWrite))
            {
                file.Flush(flushToDisk: true);
            }

            File.Move(candidate, Path.Combine(collectionFolder, FileName), overwrite: true);
            return (new VectorEncoder(trained), null);
        }
        finally
        {
            File.Delete(candidate);
        }
    }

    /// <summary>Every row of <paramref name="table"/> (read with <see cref="Schema"/>) as a vector, in order.</summary>
    public float[][] Embed(DataTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var encoded = _model.Encode(table);
        var network = new DenseNetwork(_model.Spec);
        var width = network.EmbeddingWidth;
        var values = new float[encoded.Rows * width];
        network.Embed(_model.Parameters, encoded.Features, encoded.Rows, values);
        return [.. Enumerable.Range(0, encoded.Rows).Select(r => values.AsSpan(r * width, width).ToArray())];
    }

    /// <summary>Raw rows, each a JSON object of column → value (a string, a number or null), as vectors in order.</summary>
    /// <exception cref="DataFormatException">A column is unknown or a value does not fit it (the message names the row and column).</exception>
    public float[][] Embed(IReadOnlyList<JsonObject> rows, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var ids = Schema.Columns.Where(c => c.Type == ColumnType.Id).Select(c => c.Name).ToList();
        var records = rows.Select((row, r) =>
        {
            var fields = row.ToDictionary(p => p.Key, p => p.Value switch
            {
                null => null,
                JsonValue v when v.TryGetValue<string>(out var text) => text,
                JsonValue v when v.TryGetValue<double>(out var number) => number.ToString("R", CultureInfo.InvariantCulture),
                _ => throw new DataFormatException($"{sourceName}: row {r + 1}, column '{p.Key}': a value must be a string, a number or null"),
            });

            // An id column is not a feature: a raw row may leave it out.
            foreach (var id in ids)
            {
                fields.TryAdd(id, "-");
            }

            return (IReadOnlyDictionary<string, string?>)fields;
        }).ToList();
        var table = TableReader.ReadRecords(records, Schema, sourceName);
        return table.Rows == records.Count
            ? Embed(table)
            : throw new DataFormatException($"{sourceName}: {records.Count - table.Rows} of {records.Count} rows have a missing value that the encoder's schema drops (drop-row); give every column a value");
    }

    /// <summary>The row's id: the schema's id column when it has one, else <c>{prefix}{row number from 1}</c>.</summary>
    public static string[] IdsOf(DataTable table, string prefix)
    {
        ArgumentNullException.ThrowIfNull(table);
        var idColumn = table.Schema.Columns.FirstOrDefault(c => c.Type == ColumnType.Id);
        return idColumn is not null
            ? table.Ids(idColumn.Name)
            : [.. Enumerable.Range(1, table.Rows).Select(r => string.Create(CultureInfo.InvariantCulture, $"{prefix}{r}"))];
    }

    /// <summary>The row's label as a payload field (the class's name, or the regression target), or null without labels.</summary>
    public static JsonObject? LabelPayload(DataTable table, int row)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!table.HasLabels)
        {
            return null;
        }

        var label = table.Schema.Label;
        var value = table.Labels[row];
        return new JsonObject
        {
            ["label"] = label.Regression ? JsonValue.Create(value) : JsonValue.Create(label.Classes[(int)value][0]),
        };
    }
}
