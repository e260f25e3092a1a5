using System.Text.Json;

namespace Causeway.Core.Serialization;

/// <summary>Parsing and validation of the JSON header.</summary>
public static partial class SafeTensorsFile
{
    private sealed record TensorEntry(string Name, int[] Shape, long Begin, long End);

    private static (List<TensorEntry> Entries, IReadOnlyDictionary<string, string> Metadata) ParseHeader(byte[] header)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The safetensors header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"The safetensors header must be a JSON object, not {document.RootElement.ValueKind}.");
            }

            var entries = new List<TensorEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new InvalidDataException($"The safetensors header names '{property.Name}' twice.");
                }

                if (property.Name == MetadataKey)
                {
                    ParseMetadata(property.Value, metadata);
                }
                else
                {
                    entries.Add(ParseTensor(property.Name, property.Value));
                }
            }

            return (entries, metadata);
        }
    }

    private static void ParseMetadata(JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{MetadataKey}' must be an object of strings, not {element.ValueKind}.");
        }

        foreach (var pair in element.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"Metadata value '{pair.Name}' must be a string, not {pair.Value.ValueKind}.");
            }

            if (!metadata.TryAdd(pair.Name, pair.Value.GetString()!))
            {
                throw new InvalidDataException($"Metadata key '{pair.Name}' appears twice.");
            }
        }
    }

    private static TensorEntry ParseTensor(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"Tensor '{name}' must be described by an object, not {element.ValueKind}.");
        }

        if (!element.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
        {
            throw new InvalidDataException($"Tensor '{name}' has no string 'dtype'.");
        }

        if (dtype.GetString() != Float32)
        {
            throw new InvalidDataException($"Tensor '{name}' has dtype '{dtype.GetString()}'; only {Float32} is supported.");
        }

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"Tensor '{name}' has no 'shape' array.");
        }

        var shape = new int[shapeElement.GetArrayLength()];
        long elements = 1;
        var i = 0;
        foreach (var dimension in shapeElement.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt32(out var size) || size < 0)
            {
                throw new InvalidDataException($"Tensor '{name}' has shape entry {dimension} that is not a non-negative 32-bit integer.");
            }

            if (size == 0)
            {
                throw new InvalidDataException($"Tensor '{name}' has a zero-size dimension, which a parameter set cannot hold.");
            }

            shape[i++] = size;
            elements = checked(elements * size);
            if (elements > Array.MaxLength)
            {
                throw new InvalidDataException($"Tensor '{name}' has more elements than an array can hold.");
            }
        }

        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
        {
            throw new InvalidDataException($"Tensor '{name}' needs 'data_offsets' as an array [begin, end].");
        }

        var begin = ReadOffset(name, offsets[0]);
        var end = ReadOffset(name, offsets[1]);
        if (end < begin)
        {
            throw new InvalidDataException($"Tensor '{name}' has data_offsets [{begin}, {end}] that end before they begin.");
        }

        if (end - begin != elements * sizeof(float))
        {
            throw new InvalidDataException(
                $"Tensor '{name}' has shape [{string.Join(", ", shape)}] ({elements * sizeof(float)} bytes of F32) but data_offsets [{begin}, {end}] span {end - begin} bytes.");
        }

        return new TensorEntry(name, shape, begin, end);
    }

    private static long ReadOffset(string name, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var offset) || offset < 0)
        {
            throw new InvalidDataException($"Tensor '{name}' has data offset {element} that is not a non-negative integer.");
        }

        return offset;
    }

    /// <summary>Sorts the entries by offset and checks they tile [0, total) without gap or overlap; returns total.</summary>
    private static long CheckOffsets(List<TensorEntry> entries)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        string? previous = null;
        foreach (var entry in entries)
        {
            if (entry.Begin < expected)
            {
                throw new InvalidDataException(
                    $"Tensor '{entry.Name}' at data_offsets [{entry.Begin}, {entry.End}] overlaps tensor '{previous}', which ends at {expected}.");
            }

            if (entry.Begin > expected)
            {
                throw new InvalidDataException(
                    $"The data_offsets do not cover the data buffer: bytes [{expected}, {entry.Begin}) before tensor '{entry.Name}' belong to no tensor.");
            }

            expected = entry.End;
            previous = entry.Name;
        }

        if (expected / sizeof(float) > Array.MaxLength)
        {
            throw new InvalidDataException($"The tensors hold {expected / sizeof(float)} values, more than one array can hold.");
        }

        return expected;
    }
}
