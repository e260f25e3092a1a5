using System.Diagnostics;
using System.Security.Cryptography;

namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Arithmetic in GF(p), p = 2^61 − 1 (a Mersenne prime): a product of two elements fits in 122 bits and reduces
/// with a shift and an add, so Shamir sharing with hundreds of parties costs nanoseconds per coefficient instead of
/// the microseconds of a 256-bit BigInteger field.
/// </summary>
internal static class PrimeField61
{
    public const ulong P = (1UL << 61) - 1;

    public static ulong Add(ulong a, ulong b)
    {
        Debug.Assert(a < P && b < P);
        var s = a + b;
        return s >= P ? s - P : s;
    }

    public static ulong Sub(ulong a, ulong b)
    {
        Debug.Assert(a < P && b < P);
        return a >= b ? a - b : a + P - b;
    }

    public static ulong Mul(ulong a, ulong b)
    {
        Debug.Assert(a < P && b < P);
        var high = Math.BigMul(a, b, out var low);
        // a·b = high·2^64 + low = (high·2^3 + low>>61)·2^61 + (low & P), and 2^61 ≡ 1 (mod p).
        var r = (low & P) + ((low >> 61) | (high << 3));
        r = r >= P ? r - P : r;
        return r >= P ? r - P : r;
    }

    public static ulong Pow(ulong a, ulong e)
    {
        ulong result = 1;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = Mul(result, a);
            }

            a = Mul(a, a);
            e >>= 1;
        }

        return result;
    }

    /// <summary>a^(p−2) = a^(−1) by Fermat's little theorem; a must be non-zero.</summary>
    public static ulong Inverse(ulong a)
    {
        Debug.Assert(a != 0);
        return Pow(a, P - 2);
    }

    /// <summary>Fills <paramref name="destination"/> with uniform elements of GF(p) from the OS CSPRNG (61-bit draws, rejecting p).</summary>
    public static void FillRandom(Span<ulong> destination)
    {
        RandomNumberGenerator.Fill(System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination));
        Span<byte> one = stackalloc byte[8];
        for (var i = 0; i < destination.Length; i++)
        {
            var v = destination[i] & P;
            while (v == P)
            {
                RandomNumberGenerator.Fill(one);
                v = BitConverter.ToUInt64(one) & P;
            }

            destination[i] = v;
        }
    }
}
