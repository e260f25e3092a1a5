using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Who masks against whom and who holds whose shares: the complete graph (SecAgg, Bonawitz et al. 2017) or a Harary
/// graph H(N, k) on a pseudorandom ring order fixed by the session label (SecAgg+, Bell et al. 2020, §3).
/// </summary>
/// <remarks>
/// <para>
/// The Harary graph with even degree k places the N parties on a ring in the order π and links each one to the k/2
/// nearest on either side. Party u's <em>neighbourhood</em> N[u] is u and its k neighbours: u shares its secrets with
/// exactly N[u] (threshold t among those k + 1) and masks against its k neighbours only, so a party's work is O(k) key
/// agreements and masks instead of O(N). Because π is uniform, u's neighbours are a uniform k-subset of the others,
/// which is what <see cref="SecureAggregationParameters"/> assumes.
/// </para>
/// <para>
/// π is public and every party derives it alone (a party in another language must reproduce it bit for bit):
/// seed = SHA-256("causeway/secagg/v1/graph" ‖ UTF-8 session label); word i = the first 8 bytes, little-endian, of
/// SHA-256(seed ‖ i as 8 little-endian bytes); Fisher–Yates from the top: for j = N − 1 down to 1, swap positions j and
/// word_{N−1−j} mod (j + 1), starting from the identity. The modulo bias is below N / 2^64.
/// </para>
/// </remarks>
public sealed class MaskingGraph
{
    private static readonly byte[] GraphLabel = Encoding.ASCII.GetBytes("causeway/secagg/v1/graph");

    // Ring position of each party, and the party at each position; null for the complete graph.
    private readonly int[]? _position;
    private readonly int[]? _party;

    private MaskingGraph(int parties, int degree, int[]? party)
    {
        Parties = parties;
        Degree = degree;
        _party = party;
        if (party is not null)
        {
            _position = new int[parties];
            for (var p = 0; p < parties; p++)
            {
                _position[party[p]] = p;
            }
        }
    }

    public int Parties { get; }

    /// <summary>k: neighbours per party, excluding itself (N − 1 for the complete graph).</summary>
    public int Degree { get; }

    /// <summary>True when every party is every other's neighbour (SecAgg).</summary>
    public bool IsComplete => _party is null;

    /// <summary>Parties in a neighbourhood: k + 1.</summary>
    public int NeighbourhoodSize => Degree + 1;

    public static MaskingGraph Complete(int parties)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 2);
        return new MaskingGraph(parties, parties - 1, null);
    }

    /// <summary>The graph of a session: complete when <paramref name="degree"/> is null or at least N − 1, else H(N, k).</summary>
    public static MaskingGraph For(string session, int parties, int? degree)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 2);
        if (degree is not { } k || k >= parties - 1)
        {
            return Complete(parties);
        }

        if (k < 2 || k % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), degree, "A Harary graph's degree must be even and at least 2.");
        }

        return new MaskingGraph(parties, k, RingOrder(session, parties));
    }

    /// <summary>True when a and b are distinct neighbours; false for an index outside 0..N−1 (as a message may carry).</summary>
    public bool AreNeighbours(int a, int b)
    {
        if (a == b || (uint)a >= (uint)Parties || (uint)b >= (uint)Parties)
        {
            return false;
        }

        if (_position is null)
        {
            return true;
        }

        var distance = Math.Abs(_position[a] - _position[b]);
        return Math.Min(distance, Parties - distance) <= Degree / 2;
    }

    /// <summary>u's k neighbours, ascending.</summary>
    public int[] Neighbours(int party) => Collect(party, includeSelf: false);

    /// <summary>N[u]: u and its k neighbours, ascending (the parties that hold u's shares).</summary>
    public int[] Neighbourhood(int party) => Collect(party, includeSelf: true);

    private int[] Collect(int party, bool includeSelf)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(party);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(party, Parties);
        int[] members;
        if (_party is null)
        {
            members = [.. Enumerable.Range(0, Parties)];
        }
        else
        {
            var half = Degree / 2;
            members = new int[Degree + 1];
            var centre = _position![party];
            for (var d = -half; d <= half; d++)
            {
                members[d + half] = _party[(((centre + d) % Parties) + Parties) % Parties];
            }

            Array.Sort(members);
        }

        return includeSelf ? members : [.. members.Where(m => m != party)];
    }

    private static int[] RingOrder(string session, int parties)
    {
        Span<byte> seed = stackalloc byte[32];
        var label = Encoding.UTF8.GetBytes(session);
        SHA256.HashData([.. GraphLabel, .. label], seed);

        var order = new int[parties];
        for (var i = 0; i < parties; i++)
        {
            order[i] = i;
        }

        Span<byte> block = stackalloc byte[40];
        Span<byte> digest = stackalloc byte[32];
        seed.CopyTo(block);
        for (var j = parties - 1; j >= 1; j--)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(block[32..], (ulong)(parties - 1 - j));
            SHA256.HashData(block, digest);
            var swap = (int)(BinaryPrimitives.ReadUInt64LittleEndian(digest) % (ulong)(j + 1));
            (order[j], order[swap]) = (order[swap], order[j]);
        }

        return order;
    }
}
