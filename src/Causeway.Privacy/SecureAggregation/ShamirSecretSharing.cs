using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// t-out-of-n Shamir secret sharing (Shamir 1979) of byte strings over GF(2^61 − 1).
/// </summary>
/// <remarks>
/// A secret of L bytes is cut into ⌈L/7⌉ big-endian 56-bit chunks (each &lt; 2^56 &lt; p, so every chunk is a field
/// element and the encoding is injective). Each chunk k is the constant term of its own random polynomial f_k of degree
/// t − 1 with coefficients drawn uniformly from GF(p) by the OS CSPRNG; share at x is (x, f_0(x), …, f_{m−1}(x)) for
/// the recipients' x-coordinates. Chunks use independent polynomials, so any t − 1 shares are jointly uniform and reveal nothing about any
/// chunk (perfect secrecy per chunk, hence for the whole secret). Reconstruction is Lagrange interpolation at 0 with
/// coefficients λ_k = Π_{m≠k} x_m / (x_m − x_k), computed once per responder set and reused for every secret.
/// </remarks>
internal static class ShamirSecretSharing
{
    public const int ChunkBytes = 7;

    public static int ChunksFor(int secretBytes) => (secretBytes + ChunkBytes - 1) / ChunkBytes;

    /// <summary>
    /// Splits <paramref name="secret"/> into one share per x-coordinate of <paramref name="xs"/> (distinct, 1 ≤ x &lt; p);
    /// the share at xs[j] occupies destination[j·m .. (j+1)·m) with m = <see cref="ChunksFor"/>(secret.Length).
    /// </summary>
    public static void Split(ReadOnlySpan<byte> secret, int threshold, ReadOnlySpan<int> xs, Span<ulong> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threshold, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(threshold, xs.Length);
        var chunks = ChunksFor(secret.Length);
        ArgumentOutOfRangeException.ThrowIfNotEqual(destination.Length, chunks * xs.Length, nameof(destination));

        // coefficients[k·t + d]: coefficient of x^d of chunk k's polynomial; d = 0 is the chunk itself.
        var coefficients = new ulong[chunks * threshold];
        try
        {
            for (var k = 0; k < chunks; k++)
            {
                var poly = coefficients.AsSpan(k * threshold, threshold);
                poly[0] = ReadChunk(secret, k);
                PrimeField61.FillRandom(poly[1..]);
            }

            for (var j = 0; j < xs.Length; j++)
            {
                var x = (ulong)xs[j];
                Debug.Assert(x is > 0 and < PrimeField61.P, "Shamir x-coordinates are non-zero field elements.");
                for (var k = 0; k < chunks; k++)
                {
                    var poly = coefficients.AsSpan(k * threshold, threshold);
                    ulong y = 0;
                    for (var d = threshold - 1; d >= 0; d--)
                    {
                        y = PrimeField61.Add(PrimeField61.Mul(y, x), poly[d]);
                    }

                    destination[(j * chunks) + k] = y;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(coefficients.AsSpan()));
        }
    }

    /// <summary>Lagrange coefficients at 0 for distinct non-zero x-coordinates.</summary>
    public static ulong[] LagrangeAtZero(ReadOnlySpan<int> xs)
    {
        var lambdas = new ulong[xs.Length];
        for (var k = 0; k < xs.Length; k++)
        {
            ulong numerator = 1;
            ulong denominator = 1;
            var xk = (ulong)xs[k];
            for (var m = 0; m < xs.Length; m++)
            {
                if (m == k)
                {
                    continue;
                }

                var xm = (ulong)xs[m];
                if (xm == xk)
                {
                    throw new ArgumentException("Shamir x-coordinates must be distinct.", nameof(xs));
                }

                numerator = PrimeField61.Mul(numerator, xm);
                denominator = PrimeField61.Mul(denominator, PrimeField61.Sub(xm, xk));
            }

            lambdas[k] = PrimeField61.Mul(numerator, PrimeField61.Inverse(denominator));
        }

        return lambdas;
    }

    /// <summary>
    /// Recovers a secret of <paramref name="destination"/>.Length bytes from shares[k] (taken at xs[k]) using
    /// <paramref name="lambdas"/> from <see cref="LagrangeAtZero"/>. Returns false when a chunk is not a valid 56-bit
    /// value, i.e. the shares are inconsistent.
    /// </summary>
    public static bool TryReconstruct(IReadOnlyList<ulong[]> shares, ReadOnlySpan<ulong> lambdas, Span<byte> destination)
    {
        var chunks = ChunksFor(destination.Length);
        Debug.Assert(shares.Count == lambdas.Length);
        for (var k = 0; k < chunks; k++)
        {
            ulong value = 0;
            for (var s = 0; s < shares.Count; s++)
            {
                var share = shares[s];
                if (share.Length != chunks || share[k] >= PrimeField61.P)
                {
                    return false;
                }

                value = PrimeField61.Add(value, PrimeField61.Mul(lambdas[s], share[k]));
            }

            if (!TryWriteChunk(destination, k, value))
            {
                return false;
            }
        }

        return true;
    }

    private static ulong ReadChunk(ReadOnlySpan<byte> secret, int k)
    {
        var start = k * ChunkBytes;
        var piece = secret.Slice(start, Math.Min(ChunkBytes, secret.Length - start));
        ulong value = 0;
        foreach (var b in piece)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static bool TryWriteChunk(Span<byte> destination, int k, ulong value)
    {
        var start = k * ChunkBytes;
        var piece = destination.Slice(start, Math.Min(ChunkBytes, destination.Length - start));
        if (piece.Length < 8 && value >> (8 * piece.Length) != 0)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(buffer, value);
        buffer[(8 - piece.Length)..].CopyTo(piece);
        return true;
    }
}
