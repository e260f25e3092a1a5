using System.Buffers.Binary;
using Causeway.Privacy.Psi;

namespace Causeway.Federation.Vertical.Alignment;

/// <summary>
/// The guest's lookup table of one host's tags of E_h(E_g(H(g_i))): 16-byte tags as sorted <see cref="UInt128"/> keys with
/// the guest position each came from — two arrays, 20 bytes per ID, no object per ID.
/// </summary>
internal sealed class TagIndex
{
    private readonly UInt128[] _keys;
    private readonly int[] _positions;

    private TagIndex(UInt128[] keys, int[] positions)
    {
        _keys = keys;
        _positions = positions;
    }

    /// <summary>Reads <paramref name="count"/> packed tags from <paramref name="stream"/> (position i = the i-th tag).</summary>
    public static TagIndex Load(Stream stream, long count)
    {
        var keys = new UInt128[count];
        var positions = new int[count];
        var buffer = new byte[EcdhPsiCipher.TagBytes * 4096];
        stream.Position = 0;
        for (var at = 0; at < count;)
        {
            var take = (int)Math.Min(4096, count - at);
            stream.ReadExactly(buffer, 0, take * EcdhPsiCipher.TagBytes);
            for (var i = 0; i < take; i++, at++)
            {
                keys[at] = Key(buffer.AsSpan(i * EcdhPsiCipher.TagBytes));
                positions[at] = at;
            }
        }

        Array.Sort(keys, positions);
        return new TagIndex(keys, positions);
    }

    /// <summary>The key of a 16-byte tag.</summary>
    public static UInt128 Key(ReadOnlySpan<byte> tag) => BinaryPrimitives.ReadUInt128BigEndian(tag);

    /// <summary>The guest position whose tag equals <paramref name="key"/>, or −1.</summary>
    public int Find(UInt128 key)
    {
        var at = Array.BinarySearch(_keys, key);
        return at >= 0 ? _positions[at] : -1;
    }
}
