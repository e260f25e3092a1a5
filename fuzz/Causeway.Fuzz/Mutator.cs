using System.Text;

namespace Causeway.Fuzz;

/// <summary>
/// Seeded mutations of corpus inputs for the short in-test run: bit flips, boundary bytes, truncations, deletions,
/// duplications, length-field bumps (a varint overwritten with a boundary value), splices of two inputs and insertions
/// of the target's tokens. The same seed gives the same inputs on every machine.
/// </summary>
internal sealed class Mutator(Random random, IReadOnlyList<byte[]> corpus, IReadOnlyList<string> tokens, int maxBytes)
{
    private static readonly byte[] BoundaryBytes = [0x00, 0x01, 0x02, 0x07, 0x08, 0x0A, 0x0D, 0x22, 0x2C, 0x5C, 0x7F, 0x80, 0xFE, 0xFF];

    private static readonly ulong[] BoundaryLengths =
        [0, 1, 2, 0x7F, 0x80, 0x3FFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1UL << 35, long.MaxValue, ulong.MaxValue];

    private readonly byte[][] _tokens = [.. tokens.Select(Encoding.UTF8.GetBytes)];

    /// <summary>A new input: a random corpus entry with one to four stacked mutations, at most <c>maxBytes</c> long.</summary>
    public byte[] Next()
    {
        var data = new List<byte>(corpus[random.Next(corpus.Count)]);
        var steps = 1 + random.Next(4);
        for (var i = 0; i < steps; i++)
        {
            Mutate(data);
        }

        return data.Count <= maxBytes ? [.. data] : [.. data.Take(maxBytes)];
    }

    private void Mutate(List<byte> data)
    {
        switch (random.Next(data.Count == 0 ? 2 : 10))
        {
            case 0:
                Splice(data);
                break;
            case 1:
                Insert(data, _tokens.Length > 0 && random.Next(2) == 0 ? _tokens[random.Next(_tokens.Length)] : RandomBytes(1 + random.Next(8)));
                break;
            case 2:
                data[random.Next(data.Count)] ^= (byte)(1 << random.Next(8));
                break;
            case 3:
                data[random.Next(data.Count)] = BoundaryBytes[random.Next(BoundaryBytes.Length)];
                break;
            case 4:
                {
                    var cut = random.Next(data.Count);
                    data.RemoveRange(cut, data.Count - cut);
                    break;
                }

            case 5:
                {
                    var start = random.Next(data.Count);
                    data.RemoveRange(start, Math.Min(data.Count - start, 1 + random.Next(16)));
                    break;
                }

            case 6:
                {
                    var start = random.Next(data.Count);
                    Insert(data, data.GetRange(start, Math.Min(data.Count - start, 1 + random.Next(64))).ToArray());
                    break;
                }

            case 7:
                BumpVarint(data);
                break;
            case 8:
                data[random.Next(data.Count)] = (byte)random.Next(256);
                break;
            default:
                Insert(data, _tokens.Length > 0 ? _tokens[random.Next(_tokens.Length)] : RandomBytes(1));
                break;
        }
    }

    // Overwrites the varint at a random position with a boundary value: how a length or count field gets huge or negative.
    private void BumpVarint(List<byte> data)
    {
        var at = random.Next(data.Count);
        var end = at;
        while (end < data.Count && (data[end] & 0x80) != 0 && end - at < 9)
        {
            end++;
        }

        end = Math.Min(end + 1, data.Count);
        var value = random.Next(3) == 0 ? Varint.Decode(data, at) + 1 : BoundaryLengths[random.Next(BoundaryLengths.Length)];
        data.RemoveRange(at, end - at);
        data.InsertRange(at, Varint.Encode(value));
    }

    private void Splice(List<byte> data)
    {
        var other = corpus[random.Next(corpus.Count)];
        var keep = data.Count == 0 ? 0 : random.Next(data.Count);
        data.RemoveRange(keep, data.Count - keep);
        data.AddRange(other.Skip(other.Length == 0 ? 0 : random.Next(other.Length)));
    }

    private void Insert(List<byte> data, byte[] bytes) => data.InsertRange(random.Next(data.Count + 1), bytes);

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static class Varint
    {
        public static ulong Decode(List<byte> data, int at)
        {
            ulong value = 0;
            for (var shift = 0; shift < 64 && at < data.Count; shift += 7, at++)
            {
                value |= (ulong)(data[at] & 0x7F) << shift;
                if ((data[at] & 0x80) == 0)
                {
                    break;
                }
            }

            return value;
        }

        public static byte[] Encode(ulong value)
        {
            var bytes = new List<byte>(10);
            do
            {
                var b = (byte)(value & 0x7F);
                value >>= 7;
                bytes.Add(value == 0 ? b : (byte)(b | 0x80));
            }
            while (value != 0);
            return [.. bytes];
        }
    }
}
