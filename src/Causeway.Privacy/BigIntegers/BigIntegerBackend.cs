using System.Numerics;
using System.Runtime.InteropServices;

namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// The big-integer arithmetic Paillier needs, on unsigned big-endian byte spans (results are written left-padded to the
/// destination's width, so ciphertexts keep a fixed width). Two implementations: GMP (<c>libgmp.so.10</c>) and a
/// managed <see cref="BigInteger"/> fallback, 9–13x slower at Paillier sizes; <see cref="Default"/> picks one once,
/// when the process first needs it.
/// </summary>
internal abstract class BigIntegerBackend
{
    /// <summary>The managed implementation; always available, and what tests force to compare against GMP.</summary>
    public static BigIntegerBackend Managed { get; } = new ManagedBigIntegerBackend();

    /// <summary>GMP when <c>libgmp.so.10</c> loads and answers a self-test, otherwise <see cref="Managed"/>.</summary>
    public static BigIntegerBackend Default { get; } = TryCreateGmp() ?? Managed;

    /// <summary><c>"gmp"</c> or <c>"managed"</c>.</summary>
    public abstract string Name { get; }

    /// <summary>destination = value^exponent mod modulus. <paramref name="secretExponent"/> asks for a side-channel resistant exponentiation (odd modulus, exponent &gt; 0).</summary>
    public abstract void ModPow(ReadOnlySpan<byte> value, ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> modulus, Span<byte> destination, bool secretExponent = false);

    /// <summary>destination = left · right mod modulus.</summary>
    public abstract void ModMultiply(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, ReadOnlySpan<byte> modulus, Span<byte> destination);

    /// <summary>destination = value⁻¹ mod modulus; false when gcd(value, modulus) ≠ 1.</summary>
    public abstract bool TryModInverse(ReadOnlySpan<byte> value, ReadOnlySpan<byte> modulus, Span<byte> destination);

    /// <summary>Whether gcd(left, right) = 1.</summary>
    public abstract bool AreCoprime(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right);

    /// <summary>A probabilistic primality test: a composite passes with probability at most 4^-<paramref name="rounds"/>.</summary>
    public abstract bool IsProbablePrime(ReadOnlySpan<byte> candidate, int rounds);

    /// <summary>Prepares value^exponent mod modulus to be computed repeatedly with no conversions (the raw rate a benchmark compares against).</summary>
    public abstract IModPowKernel CreateModPowKernel(ReadOnlySpan<byte> value, ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> modulus);

    /// <summary>The backend's <see cref="IFixedBasePowerTable"/>; arguments already checked.</summary>
    protected abstract IFixedBasePowerTable CreateFixedBasePowerTableCore(ReadOnlySpan<byte> value, int exponentBits, int window, ReadOnlySpan<byte> modulus);

    /// <summary>
    /// Precomputes the powers of <paramref name="value"/> modulo <paramref name="modulus"/> for exponents of at most
    /// <paramref name="exponentBits"/> bits in <paramref name="window"/>-bit digits (<see cref="IFixedBasePowerTable"/>).
    /// </summary>
    public IFixedBasePowerTable CreateFixedBasePowerTable(ReadOnlySpan<byte> value, int exponentBits, int window, ReadOnlySpan<byte> modulus)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exponentBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, 12);
        return CreateFixedBasePowerTableCore(value, exponentBits, window, modulus);
    }

    /// <summary>Prepares Πᵢ bᵢ^kᵢ mod <paramref name="modulus"/> over fixed bases (units mod m) for exponents given per call (<see cref="IMultiExponentiation"/>).</summary>
    public abstract IMultiExponentiation CreateMultiExponentiation(IReadOnlyList<ReadOnlyMemory<byte>> bases, ReadOnlySpan<byte> modulus);

    /// <summary>GMP if it can be loaded and computes 3^5 mod 7 = 5; otherwise null.</summary>
    internal static BigIntegerBackend? TryCreateGmp()
    {
        if (!NativeLibrary.TryLoad(GmpNative.Library, typeof(BigIntegerBackend).Assembly, null, out var library))
        {
            return null;
        }

        try
        {
            foreach (var symbol in (string[])["__gmpz_init", "__gmpz_powm", "__gmpz_powm_sec", "__gmpz_import", "__gmpz_export", "__gmpz_probab_prime_p"])
            {
                if (!NativeLibrary.TryGetExport(library, symbol, out _))
                {
                    return null;
                }
            }

            var gmp = new GmpBigIntegerBackend();
            Span<byte> result = stackalloc byte[1];
            gmp.ModPow([3], [5], [7], result);
            return result[0] == 5 ? gmp : null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return null;
        }
    }
}
