using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Causeway.Protocol.Wire;

/// <summary>
/// A forward-only protobuf wire reader over a <see cref="Stream"/> with a small pooled look-ahead buffer, so large
/// <c>bytes</c> fields can be copied from the network straight into their destination.
/// </summary>
/// <remarks>Throws <see cref="MalformedMessageException"/> on truncation and <see cref="MessageTooLargeException"/> past the limit.</remarks>
internal sealed class StreamWireReader : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly Stream _stream;
    private readonly long _maxBytes;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private int _start;
    private int _end;
    private long _before;

    public StreamWireReader(Stream stream, long maxBytes)
    {
        _stream = stream;
        _maxBytes = maxBytes;
    }

    /// <summary>Bytes consumed so far.</summary>
    public long Position => _before + _start;

    /// <summary>True when the stream has no more bytes.</summary>
    public async ValueTask<bool> AtEndAsync(CancellationToken cancellationToken) => !await FillAsync(1, cancellationToken).ConfigureAwait(false);

    public async ValueTask<(int Field, int WireType)> ReadTagAsync(CancellationToken cancellationToken)
    {
        var tag = await ReadVarintAsync(cancellationToken).ConfigureAwait(false);
        var field = tag >> 3;
        if (field is 0 or > int.MaxValue)
        {
            throw new MalformedMessageException($"Invalid field number at byte {Position}.");
        }

        return ((int)field, (int)(tag & 7));
    }

    public async ValueTask<ulong> ReadVarintAsync(CancellationToken cancellationToken)
    {
        await FillAsync(10, cancellationToken).ConfigureAwait(false);
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_start >= _end)
            {
                throw new MalformedMessageException("The message is truncated (inside a varint).");
            }

            var b = _buffer[_start++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new MalformedMessageException("A varint is longer than 10 bytes.");
    }

    /// <summary>Reads a length prefix, checking that the field ends within <paramref name="limit"/>.</summary>
    public async ValueTask<long> ReadLengthAsync(long limit, CancellationToken cancellationToken)
    {
        var length = await ReadVarintAsync(cancellationToken).ConfigureAwait(false);
        if (length > (ulong)Math.Max(0, limit - Position))
        {
            throw new MalformedMessageException("A length-delimited field runs past the end of its message.");
        }

        return (long)length;
    }

    public async ValueTask<double> ReadDoubleAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(8, cancellationToken).ConfigureAwait(false) || _end - _start < 8)
        {
            throw new MalformedMessageException("The message is truncated (inside a fixed64).");
        }

        var value = BinaryPrimitives.ReadDoubleLittleEndian(_buffer.AsSpan(_start, 8));
        _start += 8;
        return value;
    }

    /// <summary>Reads a small field (names, small messages) into a new array; at most 64 KiB.</summary>
    public async ValueTask<byte[]> ReadSmallAsync(long length, CancellationToken cancellationToken)
    {
        if (length > BufferSize)
        {
            throw new MalformedMessageException($"A field expected to be small has {length} bytes.");
        }

        if (!await FillAsync((int)length, cancellationToken).ConfigureAwait(false) && length > 0 || _end - _start < length)
        {
            throw new MalformedMessageException("The message is truncated.");
        }

        var bytes = _buffer.AsSpan(_start, (int)length).ToArray();
        _start += (int)length;
        return bytes;
    }

    public async ValueTask<string> ReadStringAsync(long length, CancellationToken cancellationToken)
    {
        var bytes = await ReadSmallAsync(length, cancellationToken).ConfigureAwait(false);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new MalformedMessageException("A string field is not valid UTF-8.", e);
        }
    }

    /// <summary>Copies exactly <paramref name="destination"/>.Length bytes into it (buffered bytes first, then straight from the stream).</summary>
    public async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        var buffered = Math.Min(_end - _start, destination.Length);
        _buffer.AsMemory(_start, buffered).CopyTo(destination);
        _start += buffered;
        var rest = destination[buffered..];
        if (rest.Length == 0)
        {
            return;
        }

        CheckLimit(Position + rest.Length);
        try
        {
            await _stream.ReadExactlyAsync(rest, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException e)
        {
            throw new MalformedMessageException("The message is truncated (inside a bytes field).", e);
        }

        _before += rest.Length;
    }

    /// <summary>Skips one field's value; for wire type 2 a <paramref name="knownLength"/> means the length prefix was already read.</summary>
    public async ValueTask SkipAsync(int wireType, long limit, CancellationToken cancellationToken, long? knownLength = null)
    {
        if (knownLength is { } known)
        {
            await SkipBytesAsync(known, cancellationToken).ConfigureAwait(false);
            return;
        }

        switch (wireType)
        {
            case 0:
                await ReadVarintAsync(cancellationToken).ConfigureAwait(false);
                break;
            case 1:
                await SkipBytesAsync(8, cancellationToken).ConfigureAwait(false);
                break;
            case 2:
                await SkipBytesAsync(await ReadLengthAsync(limit, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                break;
            case 5:
                await SkipBytesAsync(4, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new MalformedMessageException($"Unsupported wire type {wireType}.");
        }
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null!);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async ValueTask SkipBytesAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (!await FillAsync(1, cancellationToken).ConfigureAwait(false))
            {
                throw new MalformedMessageException("The message is truncated.");
            }

            var step = (int)Math.Min(count, _end - _start);
            _start += step;
            count -= step;
        }
    }

    // Tries to have at least `count` bytes buffered; returns false when the stream ended with none buffered.
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        if (_end - _start >= count)
        {
            return true;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _before += _start;
            _end -= _start;
            _start = 0;
        }

        while (_end < count)
        {
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            _end += read;
            CheckLimit(_before + _end);
        }

        return _end > _start;
    }

    private void CheckLimit(long total)
    {
        if (total > _maxBytes)
        {
            throw new MessageTooLargeException(_maxBytes);
        }
    }
}
