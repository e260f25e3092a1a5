using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Causeway.Coordinator.Endpoints;

/// <summary>A request body read into one pooled buffer (returned, cleared, on dispose).</summary>
internal sealed class PooledBody : IDisposable
{
    private byte[]? _buffer;

    private PooledBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    /// <summary>
    /// Reads the whole body, refusing (null) as soon as it is known to exceed <paramref name="maxBytes"/>:
    /// from Content-Length before reading, or while reading when the length was not declared.
    /// </summary>
    public static async Task<PooledBody?> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        // Our own limit replaces Kestrel's (30 MB by default) so that the refusal carries a protocol Error body.
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = null;
        }

        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return null;
        }

        var capacity = (int)Math.Min(request.ContentLength ?? 16 * 1024, maxBytes);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        var length = 0;
        try
        {
            while (true)
            {
                if (length >= maxBytes)
                {
                    // One byte more than allowed proves the body is too large.
                    var probe = new byte[1];
                    if (await request.Body.ReadAsync(probe, cancellationToken).ConfigureAwait(false) > 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                        return null;
                    }

                    break;
                }

                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
                    buffer = larger;
                }

                var room = (int)Math.Min(buffer.Length - length, maxBytes - length);
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
            throw;
        }

        return new PooledBody(buffer, length);
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
