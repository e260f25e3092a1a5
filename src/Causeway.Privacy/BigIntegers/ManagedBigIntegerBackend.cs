using System.Numerics;
using System.Security.Cryptography;

namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// The big-integer operations on <see cref="BigInteger"/>, for machines without GMP. Intermediates are immutable managed
/// objects and cannot be cleared; prefer GMP where secrets matter.
/// </summary>
internal sealed class ManagedBigIntegerBackend : BigIntegerBackend
{
    private static readonly int[] SmallPrimes = SievePrimes(2000);

    public override string Name => "managed";

    public override void ModPow(ReadOnlySpan<byte> value, ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> modulus, Span<byte> destination, bool secretExponent = false) =>
        Write(BigInteger.ModPow(Read(value), Read(exponent), Read(modulus)), destination);

    public override void ModMultiply(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, ReadOnlySpan<byte> modulus, Span<byte> destination) =>
        Write(Read(left) * Read(right) % Read(modulus), destination);

    public override bool TryModInverse(ReadOnlySpan<byte> value, ReadOnlySpan<byte> modulus, Span<byte> destination)
    {
        if (ModInverse(Read(value), Read(modulus)) is not { } inverse)
        {
            return false;
        }

        Write(inverse, destination);
        return true;
    }

    public override bool AreCoprime(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        BigInteger.GreatestCommonDivisor(Read(left), Read(right)).IsOne;

    public override bool IsProbablePrime(ReadOnlySpan<byte> candidate, int rounds)
    {
        var n = Read(candidate);
        if (n < 2)
        {
            return false;
        }

        foreach (var p in SmallPrimes)
        {
            if (n == p)
            {
                return true;
            }

            if (n % p == 0)
            {
                return false;
            }
        }

        return MillerRabin(n, rounds);
    }

    protected override IFixedBasePowerTable CreateFixedBasePowerTableCore(ReadOnlySpan<byte> value, int exponentBits, int window, ReadOnlySpan<byte> modulus) =>
        new ManagedFixedBasePowerTable(value, exponentBits, window, modulus);

    public override IMultiExponentiation CreateMultiExponentiation(IReadOnlyList<ReadOnlyMemory<byte>> bases, ReadOnlySpan<byte> modulus) =>
        new ManagedMultiExponentiation(bases, modulus);

    public override IModPowKernel CreateModPowKernel(ReadOnlySpan<byte> value, ReadOnlySpan<byte> exponent, ReadOnlySpan<byte> modulus) =>
        new Kernel(Read(value), Read(exponent), Read(modulus));

    internal static BigInteger Read(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    internal static void Write(BigInteger value, Span<byte> destination)
    {
        System.Diagnostics.Debug.Assert(value.Sign >= 0, "Only non-negative values are written.");
        var length = value.IsZero ? 0 : value.GetByteCount(isUnsigned: true);
        if (length > destination.Length)
        {
            throw new ArgumentException($"The value needs {length} bytes; the destination has {destination.Length}.", nameof(destination));
        }

        destination[..^length].Clear();
        if (length > 0 && !value.TryWriteBytes(destination[^length..], out _, isUnsigned: true, isBigEndian: true))
        {
            throw new InvalidOperationException("BigInteger.TryWriteBytes refused a destination of the size GetByteCount gave.");
        }
    }

    /// <summary>The inverse by the extended Euclidean algorithm, or null when gcd(value, modulus) ≠ 1.</summary>
    internal static BigInteger? ModInverse(BigInteger value, BigInteger modulus)
    {
        BigInteger r0 = modulus, r1 = BigInteger.Remainder(value, modulus);
        if (r1.Sign < 0)
        {
            r1 += modulus;
        }

        BigInteger t0 = BigInteger.Zero, t1 = BigInteger.One;
        while (!r1.IsZero)
        {
            var quotient = BigInteger.DivRem(r0, r1, out var remainder);
            (r0, r1) = (r1, remainder);
            (t0, t1) = (t1, t0 - (quotient * t1));
        }

        if (!r0.IsOne)
        {
            return null;
        }

        return t0.Sign < 0 ? t0 + modulus : t0;
    }

    private static bool MillerRabin(BigInteger n, int rounds)
    {
        var nMinusOne = n - 1;
        var d = nMinusOne;
        var s = 0;
        while (d.IsEven)
        {
            d >>= 1;
            s++;
        }

        var length = n.GetByteCount(isUnsigned: true);
        var buffer = new byte[length];
        for (var round = 0; round < rounds; round++)
        {
            // A uniform base in [2, n - 2] by rejection sampling.
            BigInteger a;
            do
            {
                RandomNumberGenerator.Fill(buffer);
                a = Read(buffer) % n;
            }
            while (a < 2 || a > n - 2);

            var x = BigInteger.ModPow(a, d, n);
            if (x.IsOne || x == nMinusOne)
            {
                continue;
            }

            var witness = true;
            for (var i = 1; i < s && witness; i++)
            {
                x = BigInteger.ModPow(x, 2, n);
                witness = x != nMinusOne;
            }

            if (witness)
            {
                return false;
            }
        }

        return true;
    }

    private static int[] SievePrimes(int limit)
    {
        var composite = new bool[limit + 1];
        var primes = new List<int>();
        for (var i = 2; i <= limit; i++)
        {
            if (composite[i])
            {
                continue;
            }

            primes.Add(i);
            for (var j = i * i; j <= limit; j += i)
            {
                composite[j] = true;
            }
        }

        return [.. primes];
    }

    private sealed class Kernel(BigInteger value, BigInteger exponent, BigInteger modulus) : IModPowKernel
    {
        public BigInteger Result { get; private set; }

        public void Compute() => Result = BigInteger.ModPow(value, exponent, modulus);

        public void Dispose()
        {
        }
    }
}
