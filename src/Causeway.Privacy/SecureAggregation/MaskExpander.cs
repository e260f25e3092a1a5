using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// The mask PRG: AES-256 in counter mode keyed by a 32-byte key derived (HKDF-SHA256) from the whole agreed secret
/// or seed. Block i of the keystream is AES_k(i as a little-endian 128-bit integer), computed as one ECB call over a
/// buffer of counter blocks; the keystream is read as little-endian uint32 mask elements.
/// </summary>
/// <remarks>
/// Every party derives the same mask from the same key bit for bit (integer arithmetic only). The counter buffer
/// depends only on the length, so it is built once per expander and reused for every key. Not thread-safe.
/// </remarks>
internal sealed class MaskExpander : IDisposable
{
    public const int KeyBytes = 32;

    private readonly Aes _aes = Aes.Create();
    private readonly byte[] _counters;
    private readonly byte[] _keystream;
    private readonly int _length;

    public MaskExpander(int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 1);
        _length = length;
        var blocks = ((length * 4) + 15) / 16;
        _counters = new byte[blocks * 16];
        _keystream = new byte[blocks * 16];
        for (var i = 0; i < blocks; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_counters.AsSpan(i * 16, 8), (ulong)i);
        }
    }

    /// <summary>target[i] = target[i] ± PRG(key)[i] (mod 2^32).</summary>
    public void Apply(ReadOnlySpan<byte> key, Span<uint> target, bool subtract)
    {
        Debug.Assert(key.Length == KeyBytes && target.Length == _length);
        var mask = Expand(key);
        if (subtract)
        {
            TensorPrimitives.Subtract(target, mask, target);
        }
        else
        {
            TensorPrimitives.Add(target, mask, target);
        }
    }

    /// <summary>The first <c>length</c> mask elements of PRG(key); valid until the next call.</summary>
    public ReadOnlySpan<uint> Expand(ReadOnlySpan<byte> key)
    {
        _aes.SetKey(key);
        _aes.EncryptEcb(_counters, _keystream, PaddingMode.None);
        var mask = MemoryMarshal.Cast<byte, uint>(_keystream.AsSpan())[.._length];
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(mask, mask);
        }

        return mask;
    }

    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(_keystream);
        _aes.Dispose();
    }
}
