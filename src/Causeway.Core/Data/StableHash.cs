using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Causeway.Core.Data;

/// <summary>
/// MurmurHash3 (x86, 32-bit; Austin Appleby, public domain) over UTF-8: a hash every party computes identically in
/// every process, unlike <see cref="string.GetHashCode()"/>, which is randomised per process.
/// </summary>
public static class StableHash
{
    /// <summary>MurmurHash3_x86_32 of <paramref name="data"/> with <paramref name="seed"/>.</summary>
    public static uint Murmur3(ReadOnlySpan<byte> data, uint seed = 0)
    {
        const uint C1 = 0xcc9e2d51;
        const uint C2 = 0x1b873593;
        var h = seed;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            k *= C1;
            k = BitOperations.RotateLeft(k, 15);
            k *= C2;
            h ^= k;
            h = BitOperations.RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }

        var tail = data[(blocks * 4)..];
        uint last = 0;
        switch (tail.Length)
        {
            case 3:
                last ^= (uint)tail[2] << 16;
                goto case 2;
            case 2:
                last ^= (uint)tail[1] << 8;
                goto case 1;
            case 1:
                last ^= tail[0];
                last *= C1;
                last = BitOperations.RotateLeft(last, 15);
                last *= C2;
                h ^= last;
                break;
        }

        h ^= (uint)data.Length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }

    /// <summary>MurmurHash3_x86_32 of the UTF-8 bytes of <paramref name="text"/>.</summary>
    public static uint Murmur3(string text, uint seed = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = Encoding.UTF8.GetByteCount(text);
        var rented = length <= 256 ? null : ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Span<byte> bytes = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
            Encoding.UTF8.GetBytes(text, bytes);
            return Murmur3(bytes, seed);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
