using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Causeway.Federation.Vertical.Data;

/// <summary>
/// Which aligned rows are held out for testing, decided per ID from a public seed, so that every party puts the same
/// rows in the test set without exchanging a word: each party evaluates the rule on the IDs it holds.
/// </summary>
public static class VerticalHoldout
{
    private const int StackLimit = 256;

    /// <summary>Whether the ID belongs to the test set.</summary>
    /// <remarks>
    /// Effectively computes u = the first 8 bytes, big-endian, of SHA-256(BE64(<paramref name="seed"/>) ‖ UTF-8(id)) and
    /// returns u &lt; ⌊<paramref name="fraction"/> · 2^64⌋. Modelling SHA-256 as a random oracle, u is uniform on
    /// [0, 2^64), so each ID is a test row with probability <paramref name="fraction"/>, independently of the others and
    /// of the row order. The threshold is an exact product by a power of two and the comparison is on integers, so every
    /// party (and any other implementation of the formula) gets the same answer bit for bit. The seed is public, so
    /// anyone who knows an ID can tell which set it is in; that reveals nothing beyond the ID itself.
    /// </remarks>
    /// <param name="normalisedId">The ID as PSI normalises it (<see cref="Causeway.Privacy.Psi.PsiIdNormalizer"/>), as in <see cref="VerticalTable.Ids"/>.</param>
    /// <param name="seed">The federation's public holdout seed.</param>
    /// <param name="fraction">The share of IDs to hold out, in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fraction"/> is not in [0, 1).</exception>
    public static bool IsTest(string normalisedId, ulong seed, double fraction)
    {
        ArgumentNullException.ThrowIfNull(normalisedId);
        if (!(fraction is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The holdout fraction must be in [0, 1).");
        }

        var length = sizeof(ulong) + Encoding.UTF8.GetByteCount(normalisedId);
        var message = length <= StackLimit ? stackalloc byte[length] : new byte[length];
        BinaryPrimitives.WriteUInt64BigEndian(message, seed);
        Encoding.UTF8.GetBytes(normalisedId, message[sizeof(ulong)..]);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(message, digest);
        return BinaryPrimitives.ReadUInt64BigEndian(digest) < (ulong)Math.ScaleB(fraction, 64);
    }
}
