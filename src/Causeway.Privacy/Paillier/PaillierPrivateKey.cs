using System.Numerics;
using System.Security.Cryptography;
using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// A Paillier private key (the primes p, q of n = p·q) with the precomputations for decryption by the Chinese remainder
/// theorem (Paillier 1999, section 7). Dispose to clear the secret bytes.
/// </summary>
/// <remarks>
/// Decryption: m_p = L_p(c^(p−1) mod p²) · h_p mod p with L_p(x) = (x − 1)/p and h_p = L_p(g^(p−1) mod p²)⁻¹ mod p;
/// likewise m_q; then m = m_q + q · ((m_p − m_q) · q⁻¹ mod p). The two exponentiations have half-size exponents and
/// quarter-size moduli, which makes decryption about 4x faster than encryption. They run side-channel resistant
/// (<c>mpz_powm_sec</c>) on GMP because p − 1 and q − 1 are secret.
/// </remarks>
public sealed class PaillierPrivateKey : IDisposable
{
    /// <summary>Miller–Rabin rounds (or GMP's equivalent) for each prime: error below 2^-80 even ignoring the density argument.</summary>
    private const int PrimalityRounds = 40;

    private readonly byte[] _p;
    private readonly byte[] _q;
    private readonly byte[] _pMinusOne;
    private readonly byte[] _qMinusOne;
    private readonly byte[] _pSquared;
    private readonly byte[] _qSquared;
    private readonly byte[] _hp;
    private readonly byte[] _hq;
    private readonly byte[] _qInverse;
    private bool _disposed;

    private PaillierPrivateKey(BigInteger p, BigInteger q, BigIntegerBackend backend)
    {
        // Order the primes so that the CRT recombination below uses q⁻¹ mod p with p > q (any order works; this is fixed for reproducibility).
        if (p < q)
        {
            (p, q) = (q, p);
        }

        var n = p * q;
        PublicKey = new PaillierPublicKey(n, backend);
        Backend = backend;
        _p = Bytes(p);
        _q = Bytes(q);
        _pMinusOne = Bytes(p - 1);
        _qMinusOne = Bytes(q - 1);
        _pSquared = Bytes(p * p);
        _qSquared = Bytes(q * q);
        _hp = Bytes(H(p, _pMinusOne, _pSquared, n));
        _hq = Bytes(H(q, _qMinusOne, _qSquared, n));
        var qInverse = new byte[_p.Length];
        if (!backend.TryModInverse(_q, _p, qInverse))
        {
            throw new ArgumentException("p and q must be distinct primes.");
        }

        _qInverse = qInverse;
    }

    /// <summary>The matching public key.</summary>
    public PaillierPublicKey PublicKey { get; }

    internal BigIntegerBackend Backend { get; }

    /// <summary>
    /// Generates a key whose modulus n has exactly <paramref name="bits"/> bits, from two primes of bits/2 bits drawn
    /// from <see cref="RandomNumberGenerator"/>, on the default backend (GMP when available).
    /// </summary>
    /// <param name="bits">Modulus size: a multiple of 256 in [<see cref="PaillierPublicKey.MinimumBits"/>, <see cref="PaillierPublicKey.MaximumBits"/>]; 2048 by default, 3072 for a longer horizon.</param>
    public static PaillierPrivateKey Generate(int bits = PaillierPublicKey.DefaultBits)
    {
        if (bits < PaillierPublicKey.MinimumBits || bits > PaillierPublicKey.MaximumBits || bits % 256 != 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(bits),
                bits,
                $"A Paillier modulus must be a multiple of 256 bits in [{PaillierPublicKey.MinimumBits}, {PaillierPublicKey.MaximumBits}]; below 2048 bits n can be factored.");
        }

        return GenerateUnchecked(bits, BigIntegerBackend.Default);
    }

    /// <summary>Key generation with no size policy: tests only (small keys, a forced backend).</summary>
    internal static PaillierPrivateKey GenerateUnchecked(int bits, BigIntegerBackend backend)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bits, 64);
        ArgumentOutOfRangeException.ThrowIfNotEqual(bits % 2, 0);
        while (true)
        {
            var p = GeneratePrime(bits / 2, backend);
            var q = GeneratePrime(bits / 2, backend);

            // Same-size primes make gcd(n, (p−1)(q−1)) = 1 automatic unless p = q.
            if (p != q)
            {
                return new PaillierPrivateKey(p, q, backend);
            }
        }
    }

    /// <summary>The key for given primes (known-answer and cross-backend tests only; the primes are not checked).</summary>
    internal static PaillierPrivateKey FromPrimes(BigInteger p, BigInteger q, BigIntegerBackend backend) => new(p, q, backend);

    /// <summary>Decrypts to m ∈ [0, n).</summary>
    /// <exception cref="ArgumentException">The ciphertext is under another key.</exception>
    public BigInteger Decrypt(PaillierCiphertext ciphertext)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        PublicKey.ThrowIfForeign(ciphertext);
        var mp = DecryptModPrime(ciphertext.Value, _p, _pMinusOne, _pSquared, _hp);
        var mq = DecryptModPrime(ciphertext.Value, _q, _qMinusOne, _qSquared, _hq);
        var p = Read(_p);
        var h = (mp - mq) * Read(_qInverse) % p;
        if (h.Sign < 0)
        {
            h += p;
        }

        return mq + (h * Read(_q));
    }

    /// <summary>Decrypts to the signed value x ∈ (−n/2, n/2]: m when m ≤ n/2, else m − n (the inverse of encoding x &lt; 0 as n − |x|).</summary>
    public BigInteger DecryptSigned(PaillierCiphertext ciphertext)
    {
        var m = Decrypt(ciphertext);
        return m > PublicKey.N >> 1 ? m - PublicKey.N : m;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var secret in (byte[][])[_p, _q, _pMinusOne, _qMinusOne, _pSquared, _qSquared, _hp, _hq, _qInverse])
        {
            CryptographicOperations.ZeroMemory(secret);
        }
    }

    private static BigInteger GeneratePrime(int bits, BigIntegerBackend backend)
    {
        var buffer = new byte[(bits + 7) / 8];
        var excess = (8 * buffer.Length) - bits;
        try
        {
            while (true)
            {
                RandomNumberGenerator.Fill(buffer);
                buffer[0] &= (byte)(0xFF >> excess);

                // The top two bits set make p·q exactly 2·bits long; the low bit makes the candidate odd.
                var candidate = Read(buffer) | (BigInteger.One << (bits - 1)) | (BigInteger.One << (bits - 2)) | BigInteger.One;
                ManagedBigIntegerBackend.Write(candidate, buffer);
                if (backend.IsProbablePrime(buffer, PrimalityRounds))
                {
                    return candidate;
                }
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
        }
    }

    /// <summary>h = L(g^(prime−1) mod prime²)⁻¹ mod prime with g = n + 1.</summary>
    private static BigInteger H(BigInteger prime, byte[] primeMinusOne, byte[] primeSquared, BigInteger n)
    {
        var g = BigInteger.Remainder(n + 1, prime * prime);
        var x = BigInteger.ModPow(g, Read(primeMinusOne), Read(primeSquared));
        var l = (x - 1) / prime;
        return ManagedBigIntegerBackend.ModInverse(l, prime) ?? throw new ArgumentException("p and q must be distinct primes of n with gcd(n, (p−1)(q−1)) = 1.");
    }

    private BigInteger DecryptModPrime(ReadOnlySpan<byte> c, byte[] prime, byte[] primeMinusOne, byte[] primeSquared, byte[] h)
    {
        Span<byte> x = stackalloc byte[primeSquared.Length];
        Backend.ModPow(c, primeMinusOne, primeSquared, x, secretExponent: true);
        var p = Read(prime);
        var l = (Read(x) - 1) / p;
        CryptographicOperations.ZeroMemory(x);
        return l * Read(h) % p;
    }

    private static BigInteger Read(ReadOnlySpan<byte> bytes) => ManagedBigIntegerBackend.Read(bytes);

    private static byte[] Bytes(BigInteger value)
    {
        var bytes = new byte[value.GetByteCount(isUnsigned: true)];
        ManagedBigIntegerBackend.Write(value, bytes);
        return bytes;
    }
}
