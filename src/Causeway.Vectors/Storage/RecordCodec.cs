using System.Text;
using System.Text.Json.Nodes;

namespace Causeway.Vectors.Storage;

/// <summary>
/// The binary form of records in the write-ahead log and the snapshot, little-endian. An upsert entry is the record's
/// <c>u64</c> index key, its id (a <c>u16</c> byte length and UTF-8), its vector (a <c>u32</c> count and float32 values)
/// and its payload (an <c>i32</c> byte length, −1 for none, and UTF-8 JSON); a delete entry is an id. A batch is a
/// <c>u8</c> operation (<see cref="Upsert"/> or <see cref="Delete"/>), a <c>u32</c> count and its entries.
/// </summary>
internal static class RecordCodec
{
    public const byte Upsert = 1;
    public const byte Delete = 2;

    public static byte[] EncodeUpserts(IReadOnlyList<KeyedRecord> records)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Upsert);
            writer.Write((uint)records.Count);
            foreach (var record in records)
            {
                WriteRecord(writer, record);
            }
        }

        return stream.ToArray();
    }

    public static byte[] EncodeDeletes(IReadOnlyList<string> ids)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Delete);
            writer.Write((uint)ids.Count);
            foreach (var id in ids)
            {
                WriteId(writer, id);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Applies one encoded batch through the callbacks.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a batch.</exception>
    public static void Decode(ReadOnlySpan<byte> batch, Action<KeyedRecord> upsert, Action<string> delete)
    {
        using var stream = new MemoryStream(batch.ToArray(), writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        try
        {
            var op = reader.ReadByte();
            var count = reader.ReadUInt32();
            for (var i = 0u; i < count; i++)
            {
                switch (op)
                {
                    case Upsert:
                        upsert(ReadRecord(reader));
                        break;
                    case Delete:
                        delete(ReadId(reader));
                        break;
                    default:
                        throw new InvalidDataException($"unknown operation {op}");
                }
            }

            if (stream.Position != stream.Length)
            {
                throw new InvalidDataException($"{stream.Length - stream.Position} bytes after the last entry");
            }
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("the batch ends inside an entry", e);
        }
    }

    public static void WriteRecord(BinaryWriter writer, KeyedRecord keyed)
    {
        var record = keyed.Record;
        writer.Write(keyed.Key);
        WriteId(writer, record.Id);
        writer.Write((uint)record.Vector.Length);
        foreach (var value in record.Vector)
        {
            writer.Write(value);
        }

        if (record.Payload is null)
        {
            writer.Write(-1);
        }
        else
        {
            var json = Encoding.UTF8.GetBytes(record.Payload.ToJsonString());
            writer.Write(json.Length);
            writer.Write(json);
        }
    }

    public static KeyedRecord ReadRecord(BinaryReader reader)
    {
        var key = reader.ReadUInt64();
        var id = ReadId(reader);
        var length = reader.ReadUInt32();
        if (length > CollectionSpec.MaxDimension)
        {
            throw new InvalidDataException($"record '{id}' claims {length} values");
        }

        var vector = new float[length];
        for (var j = 0; j < vector.Length; j++)
        {
            vector[j] = reader.ReadSingle();
        }

        var payloadLength = reader.ReadInt32();
        JsonObject? payload = null;
        if (payloadLength >= 0)
        {
            payload = JsonNode.Parse(reader.ReadBytes(payloadLength)) as JsonObject
                ?? throw new InvalidDataException($"record '{id}': the payload is not a JSON object");
        }

        return new KeyedRecord(key, new VectorRecord(id, vector, payload));
    }

    private static void WriteId(BinaryWriter writer, string id)
    {
        var bytes = Encoding.UTF8.GetBytes(id);
        writer.Write(checked((ushort)bytes.Length));
        writer.Write(bytes);
    }

    private static string ReadId(BinaryReader reader)
    {
        var length = reader.ReadUInt16();
        var bytes = reader.ReadBytes(length);
        return bytes.Length == length ? Encoding.UTF8.GetString(bytes) : throw new EndOfStreamException();
    }
}

/// <summary>A record with the key the indexes know it by: assigned once per id, kept when the record is replaced.</summary>
internal readonly record struct KeyedRecord(ulong Key, VectorRecord Record);
