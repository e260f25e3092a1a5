using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Causeway.Coordinator.Endpoints;

/// <summary>A request body read into one buffer: pooled (returned, cleared, on dispose) up to <see cref="MaxPooledBytes"/>.</summary>
/// <remarks>
/// Larger bodies (a join's data description, a control API configuration, up to their limits) get a plain array the
/// garbage collector takes back: a pooled array stays in <see cref="ArrayPool{T}.Shared"/> until the pool trims it, which
/// an idle process may never do, so hostile bodies near the limit would otherwise pin their size for good.
/// </remarks>
internal sealed class PooledBody : IDisposable
{
    /// <summary>The largest buffer rented from, and returned to, the shared pool: 256 KiB.</summary>
    public const int MaxPooledBytes = 256 * 1024;

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
        var buffer = Rent(Math.Max(capacity, 256));
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
                        Return(buffer);
                        return null;
                    }

                    break;
                }

                if (length == buffer.Length)
                {
                    var larger = Rent((int)Math.Min((long)buffer.Length * 2, maxBytes));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    Return(buffer);
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
            Return(buffer);
            throw;
        }

        return new PooledBody(buffer, length);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            Return(buffer);
        }
    }

    private static byte[] Rent(int length) =>
        length <= MaxPooledBytes ? ArrayPool<byte>.Shared.Rent(length) : GC.AllocateUninitializedArray<byte>(length);

    // Only what Rent took from the pool goes back (a rented array may be longer than asked, never above the limit).
    private static void Return(byte[] buffer)
    {
        if (buffer.Length <= MaxPooledBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer, clearArray: true);
        }
    }
}
