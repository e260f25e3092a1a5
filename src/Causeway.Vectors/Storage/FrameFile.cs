using System.Buffers.Binary;
using System.IO.Hashing;

namespace Causeway.Vectors.Storage;

/// <summary>
/// A file of checksummed frames after an 8-byte magic: each frame is a <c>u32</c> length, the CRC-32 of its bytes and the
/// bytes. The write-ahead log and the snapshot are both frame files; a reader stops at the first frame that is cut short
/// or fails its checksum.
/// </summary>
internal static class FrameFile
{
    /// <summary>The largest frame read back: a length beyond it is corruption, not a reason to allocate.</summary>
    public const int MaxFrameBytes = 256 << 20;

    private const int HeaderBytes = 8;

    public static void WriteHeader(Stream stream, ReadOnlySpan<byte> magic)
    {
        if (magic.Length != HeaderBytes)
        {
            throw new ArgumentException("The magic is 8 bytes.", nameof(magic));
        }

        stream.Write(magic);
    }

    public static void WriteFrame(Stream stream, ReadOnlySpan<byte> bytes)
    {
        Span<byte> head = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(head, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(head[4..], Crc32.HashToUInt32(bytes));
        stream.Write(head);
        stream.Write(bytes);
    }

    /// <summary>Checks the magic; throws naming <paramref name="path"/> when it is another file.</summary>
    public static void ReadHeader(Stream stream, ReadOnlySpan<byte> magic, string path)
    {
        Span<byte> head = stackalloc byte[HeaderBytes];
        if (stream.ReadAtLeast(head, HeaderBytes, throwOnEndOfStream: false) != HeaderBytes || !head.SequenceEqual(magic))
        {
            throw new InvalidDataException($"{path} is not a {System.Text.Encoding.ASCII.GetString(magic)} file; it was left as it is");
        }
    }

    /// <summary>
    /// Reads frames from the stream's position to the first one that is cut short or fails its checksum; returns the end
    /// of the last whole frame (where a log's next frame belongs).
    /// </summary>
    public static long ReadFrames(Stream stream, Action<byte[]> frame)
    {
        var end = stream.Position;
        Span<byte> head = stackalloc byte[8];
        while (stream.ReadAtLeast(head, 8, throwOnEndOfStream: false) == 8)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(head);
            var crc = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
            if (length > MaxFrameBytes)
            {
                break;
            }

            var bytes = new byte[length];
            if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) != bytes.Length || Crc32.HashToUInt32(bytes) != crc)
            {
                break;
            }

            frame(bytes);
            end = stream.Position;
        }

        return end;
    }
}
