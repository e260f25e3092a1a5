using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;
using Causeway.Core.Tensors;

namespace Causeway.Coordinator.Storage;

/// <summary>
/// Serializes a <see cref="ParameterSet"/> with its layout in the safetensors format, which is how
/// checkpoints are stored (and can be read by the Python <c>safetensors</c> package).
/// </summary>
/// <remarks>
/// Layout of a blob: an unsigned 64-bit little-endian header length N; N bytes of UTF-8 JSON
/// <c>{"__metadata__":{"format":"causeway.parameters.v1"},"name":{"dtype":"F32","shape":[..],"data_offsets":[begin,end]},...}</c>
/// padded with spaces so the data starts 8-byte aligned; then every tensor's values as little-endian float32,
/// back to back in layout order. Offsets are relative to the start of the data. Values round-trip bit for bit
/// (NaN payloads included); the layout order is recovered from the offsets, not from the JSON key order.
/// </remarks>
public static class SafetensorsCodec
{
    private const string MetadataKey = "__metadata__";
    private const string FormatName = "causeway.parameters.v1";
    private const int MaxHeaderBytes = 100_000_000;

    /// <summary>Returns the safetensors bytes of <paramref name="parameters"/>.</summary>
    public static byte[] Encode(ParameterSet parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var layout = parameters.Layout;

        var header = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            json.WriteString("format", FormatName);
            json.WriteEndObject();
            for (var i = 0; i < layout.Tensors.Count; i++)
            {
                var tensor = layout.Tensors[i];
                if (tensor.Name == MetadataKey)
                {
                    throw new ArgumentException($"A tensor named '{MetadataKey}' cannot be stored in safetensors.", nameof(parameters));
                }

                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                long begin = (long)layout.OffsetAt(i) * sizeof(float);
                json.WriteNumberValue(begin);
                json.WriteNumberValue(begin + ((long)tensor.Length * sizeof(float)));
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        var headerLength = header.WrittenCount;
        var paddedLength = (headerLength + 7) & ~7;
        var dataLength = (long)parameters.Length * sizeof(float);
        var blob = new byte[checked(8 + paddedLength + dataLength)];
        BinaryPrimitives.WriteUInt64LittleEndian(blob, (ulong)paddedLength);
        header.WrittenSpan.CopyTo(blob.AsSpan(8));
        blob.AsSpan(8 + headerLength, paddedLength - headerLength).Fill((byte)' ');
        var data = blob.AsSpan(8 + paddedLength);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(parameters.Values).CopyTo(data);
        }
        else
        {
            var values = parameters.Values;
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(data[(i * sizeof(float))..], values[i]);
            }
        }

        return blob;
    }

    /// <summary>Reads a blob written by <see cref="Encode"/> (or any safetensors file of F32 tensors without holes).</summary>
    /// <exception cref="InvalidDataException">The blob is truncated or its header is inconsistent.</exception>
    public static ParameterSet Decode(ReadOnlySpan<byte> blob)
    {
        if (blob.Length < 8)
        {
            throw new InvalidDataException($"A parameter blob holds at least 8 bytes; this one holds {blob.Length}.");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(blob);
        if (headerLength > MaxHeaderBytes || headerLength > (ulong)(blob.Length - 8))
        {
            throw new InvalidDataException($"The parameter blob's header length {headerLength} exceeds the blob ({blob.Length} bytes).");
        }

        var header = blob.Slice(8, (int)headerLength);
        var data = blob[(8 + (int)headerLength)..];
        var entries = ReadHeader(header);
        entries.Sort(static (a, b) => a.Begin.CompareTo(b.Begin));

        long expected = 0;
        var specs = new List<TensorSpec>(entries.Count);
        foreach (var entry in entries)
        {
            if (entry.Begin != expected || entry.End - entry.Begin != (long)entry.Spec.Length * sizeof(float))
            {
                throw new InvalidDataException(
                    $"Tensor '{entry.Spec.Name}' spans bytes [{entry.Begin}, {entry.End}) but {expected} and {entry.Spec.Length} float32 values were expected.");
            }

            expected = entry.End;
            specs.Add(entry.Spec);
        }

        if (expected != data.Length)
        {
            throw new InvalidDataException($"The parameter blob holds {data.Length} data bytes but its header describes {expected}.");
        }

        ParameterLayout layout;
        try
        {
            layout = new ParameterLayout(specs);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The parameter blob's header is not a valid layout: {e.Message}", e);
        }

        var values = new float[layout.TotalLength];
        if (BitConverter.IsLittleEndian)
        {
            data.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(i * sizeof(float))..]);
            }
        }

        return new ParameterSet(layout, values);
    }

    private static List<HeaderEntry> ReadHeader(ReadOnlySpan<byte> header)
    {
        var entries = new List<HeaderEntry>();
        try
        {
            var reader = new Utf8JsonReader(header);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException("The parameter blob's header is not a JSON object.");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    continue;
                }

                var value = property.Value;
                var dtype = value.GetProperty("dtype").GetString();
                if (dtype != "F32")
                {
                    throw new InvalidDataException($"Tensor '{property.Name}' has dtype '{dtype}'; only F32 is supported.");
                }

                var shape = new List<int>();
                foreach (var dimension in value.GetProperty("shape").EnumerateArray())
                {
                    shape.Add(dimension.GetInt32());
                }

                var offsets = value.GetProperty("data_offsets");
                if (offsets.GetArrayLength() != 2)
                {
                    throw new InvalidDataException($"Tensor '{property.Name}' needs exactly two data offsets.");
                }

                entries.Add(new HeaderEntry(new TensorSpec(property.Name, shape), offsets[0].GetInt64(), offsets[1].GetInt64()));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"The parameter blob's header is malformed: {e.Message}", e);
        }

        return entries;
    }

    private readonly record struct HeaderEntry(TensorSpec Spec, long Begin, long End);
}
