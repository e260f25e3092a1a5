using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Causeway.Core.Tensors;

namespace Causeway.Core.Serialization;

/// <summary>
/// Reads and writes parameter sets in the safetensors layout (https://github.com/huggingface/safetensors),
/// float32 tensors only. See docs/model-format.md.
/// </summary>
/// <remarks>
/// A file is: an unsigned 64-bit little-endian header length N; N bytes of UTF-8 JSON (padded with spaces so
/// that N is a multiple of 8) mapping <c>"__metadata__"</c> to string pairs and every tensor name to
/// <c>{"dtype":"F32","shape":[...],"data_offsets":[begin,end]}</c>; then the data buffer, the tensors' raw
/// little-endian float32 values back to back. Offsets are relative to the start of the data buffer.
/// Reading restores the tensors in data-offset order, which is the layout order of the writer, so the
/// round trip preserves the layout and every bit of every value (NaN payloads and −0 included).
/// Reading validates the whole structure and throws <see cref="InvalidDataException"/> naming the problem.
/// </remarks>
public static partial class SafeTensorsFile
{
    /// <summary>The largest header accepted on read, in bytes (100 MB, the limit of the reference implementation).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The JSON key holding the string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    private const string Float32 = "F32";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Only ever parsed as JSON, never embedded in HTML: keep quotes in metadata values readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Writes <paramref name="parameters"/> with <paramref name="metadata"/> (keys in ordinal order) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, ParameterSet parameters, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(metadata);
        var header = BuildHeader(parameters.Layout, metadata);

        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        WriteFloats(stream, parameters.Values);
    }

    /// <summary>Reads a file written by <see cref="Write"/> (or any safetensors file whose tensors are all F32).</summary>
    /// <exception cref="InvalidDataException">The stream is truncated or its header is malformed or inconsistent.</exception>
    public static (ParameterSet Parameters, IReadOnlyDictionary<string, string> Metadata) Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
        if (got < prefix.Length)
        {
            throw new InvalidDataException($"Truncated safetensors file: {got} bytes where the 8-byte header length was expected.");
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderBytes)
        {
            throw new InvalidDataException($"The safetensors header claims {headerLength} bytes, more than the {MaxHeaderBytes}-byte limit.");
        }

        if (stream.CanSeek && (long)headerLength > stream.Length - stream.Position)
        {
            throw new InvalidDataException(
                $"Truncated safetensors file: the header needs {headerLength} bytes but only {stream.Length - stream.Position} follow.");
        }

        var header = new byte[headerLength];
        got = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
        {
            throw new InvalidDataException($"Truncated safetensors file: the header needs {headerLength} bytes but only {got} follow.");
        }

        var (entries, metadata) = ParseHeader(header);
        var dataLength = CheckOffsets(entries);
        var values = ReadData(stream, dataLength);
        ParameterLayout layout;
        try
        {
            layout = new ParameterLayout(entries.Select(e => new TensorSpec(e.Name, e.Shape)));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The safetensors header describes an invalid tensor: {e.Message}", e);
        }

        return (new ParameterSet(layout, values), metadata);
    }

    private static byte[] BuildHeader(ParameterLayout layout, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteStartObject(MetadataKey);
            foreach (var key in metadata.Keys.Order(StringComparer.Ordinal))
            {
                json.WriteString(key, metadata[key]);
            }

            json.WriteEndObject();
            long offset = 0;
            foreach (var tensor in layout.Tensors)
            {
                if (tensor.Name == MetadataKey)
                {
                    throw new ArgumentException($"A tensor cannot be named '{MetadataKey}'.", nameof(layout));
                }

                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", Float32);
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.Length * (long)sizeof(float);
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        // Pad with spaces so that the data buffer starts 8-byte aligned (8 + N ≡ 0 mod 8).
        var padded = (buffer.WrittenCount + 7) & ~7;
        var header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }

    private static void WriteFloats(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var perChunk = chunk.Length / sizeof(float);
            for (var start = 0; start < values.Length; start += perChunk)
            {
                var count = Math.Min(perChunk, values.Length - start);
                for (var i = 0; i < count; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(i * sizeof(float)), BitConverter.SingleToInt32Bits(values[start + i]));
                }

                stream.Write(chunk, 0, count * sizeof(float));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static float[] ReadData(Stream stream, long dataLength)
    {
        if (stream.CanSeek && stream.Length - stream.Position != dataLength)
        {
            var available = stream.Length - stream.Position;
            throw new InvalidDataException(available < dataLength
                ? $"Truncated safetensors file: the tensors need {dataLength} data bytes but only {available} follow."
                : $"The data_offsets do not cover the data buffer: the tensors end at byte {dataLength} but the buffer holds {available}.");
        }

        var values = new float[dataLength / sizeof(float)];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        var got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (got < bytes.Length)
        {
            throw new InvalidDataException($"Truncated safetensors file: the tensors need {dataLength} data bytes but only {got} follow.");
        }

        if (!stream.CanSeek && stream.ReadByte() >= 0)
        {
            throw new InvalidDataException($"The data_offsets do not cover the data buffer: bytes follow the last tensor's end at {dataLength}.");
        }

        if (!BitConverter.IsLittleEndian)
        {
            var bits = MemoryMarshal.Cast<float, int>(values.AsSpan());
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }

        return values;
    }
}
