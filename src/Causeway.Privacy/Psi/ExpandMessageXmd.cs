using System.Diagnostics;
using System.Security.Cryptography;

namespace Causeway.Privacy.Psi;

/// <summary>
/// <c>expand_message_xmd</c> with SHA-256 (RFC 9380 §5.3.1): a uniform byte string of the requested length from a
/// message and a domain separation tag. One instance per thread (it keeps an <see cref="IncrementalHash"/>).
/// </summary>
internal sealed class ExpandMessageXmd : IDisposable
{
    private const int HashBytes = 32;
    private const int BlockBytes = 64;
    private static readonly byte[] ZeroPad = new byte[BlockBytes];
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _dstPrime;

    public ExpandMessageXmd(ReadOnlySpan<byte> dst)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dst.Length, 255, nameof(dst));
        _dstPrime = [.. dst, (byte)dst.Length];
    }

    /// <summary>Writes <c>expand_message_xmd(prefix ‖ message, DST, destination.Length)</c> to <paramref name="destination"/>.</summary>
    /// <remarks>The message is given in two parts (a fixed-length session salt and the ID) to avoid copying them together.</remarks>
    public void Expand(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> message, Span<byte> destination)
    {
        Debug.Assert(destination.Length is > 0 and <= 255 * HashBytes);
        var length = destination.Length;
        var ell = (length + HashBytes - 1) / HashBytes;
        Span<byte> b0 = stackalloc byte[HashBytes];
        Span<byte> bi = stackalloc byte[HashBytes];
        Span<byte> mixed = stackalloc byte[HashBytes];
        Span<byte> header = [(byte)(length >> 8), (byte)length, 0];

        _sha256.AppendData(ZeroPad);
        _sha256.AppendData(prefix);
        _sha256.AppendData(message);
        _sha256.AppendData(header);
        _sha256.AppendData(_dstPrime);
        _sha256.GetHashAndReset(b0);

        _sha256.AppendData(b0);
        _sha256.AppendData([1]);
        _sha256.AppendData(_dstPrime);
        _sha256.GetHashAndReset(bi);
        for (var i = 1; ; i++)
        {
            var offset = (i - 1) * HashBytes;
            bi[..Math.Min(HashBytes, length - offset)].CopyTo(destination[offset..]);
            if (i == ell)
            {
                return;
            }

            for (var k = 0; k < HashBytes; k++)
            {
                mixed[k] = (byte)(b0[k] ^ bi[k]);
            }

            _sha256.AppendData(mixed);
            _sha256.AppendData([(byte)(i + 1)]);
            _sha256.AppendData(_dstPrime);
            _sha256.GetHashAndReset(bi);
        }
    }

    public void Dispose() => _sha256.Dispose();
}
