using System.Buffers.Binary;
using System.Text;

namespace Causeway.Protocol.Wire;

/// <summary>
/// A minimal forward-only reader of the protobuf binary wire format over a span, for the messages whose
/// large <c>bytes</c> fields must be read as views instead of copies.
/// </summary>
/// <remarks>Every malformation (truncation, overlong varint, bad wire type, invalid UTF-8) throws <see cref="MalformedMessageException"/>.</remarks>
internal ref struct WireReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _buffer;

    public WireReader(ReadOnlySpan<byte> buffer, int start = 0)
    {
        _buffer = buffer;
        Position = start;
    }

    public int Position { get; private set; }

    public readonly bool End => Position >= _buffer.Length;

    /// <summary>Reads a tag; returns the field number and wire type.</summary>
    public (int Field, int WireType) ReadTag()
    {
        var tag = ReadVarint();
        var field = tag >> 3;
        if (field is 0 or > int.MaxValue)
        {
            throw new MalformedMessageException($"Invalid field number at byte {Position}.");
        }

        return ((int)field, (int)(tag & 7));
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (Position >= _buffer.Length)
            {
                throw new MalformedMessageException("The message is truncated (inside a varint).");
            }

            var b = _buffer[Position++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new MalformedMessageException("A varint is longer than 10 bytes.");
    }

    /// <summary>Reads a length prefix and returns the start and length of the delimited bytes, moving past them.</summary>
    public (int Start, int Length) ReadDelimited()
    {
        var length = ReadVarint();
        if (length > (ulong)(_buffer.Length - Position))
        {
            throw new MalformedMessageException("The message is truncated (a length-delimited field runs past the end).");
        }

        var start = Position;
        Position += (int)length;
        return (start, (int)length);
    }

    public string ReadString()
    {
        var (start, length) = ReadDelimited();
        try
        {
            return StrictUtf8.GetString(_buffer.Slice(start, length));
        }
        catch (DecoderFallbackException e)
        {
            throw new MalformedMessageException("A string field is not valid UTF-8.", e);
        }
    }

    public double ReadDouble()
    {
        if (_buffer.Length - Position < 8)
        {
            throw new MalformedMessageException("The message is truncated (inside a fixed64).");
        }

        var value = BinaryPrimitives.ReadDoubleLittleEndian(_buffer.Slice(Position, 8));
        Position += 8;
        return value;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                Advance(8);
                break;
            case 2:
                ReadDelimited();
                break;
            case 5:
                Advance(4);
                break;
            default:
                throw new MalformedMessageException($"Unsupported wire type {wireType}.");
        }
    }

    public static void Expect(int wireType, int expected, string field)
    {
        if (wireType != expected)
        {
            throw new MalformedMessageException($"Field '{field}' has wire type {wireType}, expected {expected}.");
        }
    }

    private void Advance(int count)
    {
        if (_buffer.Length - Position < count)
        {
            throw new MalformedMessageException("The message is truncated.");
        }

        Position += count;
    }
}
