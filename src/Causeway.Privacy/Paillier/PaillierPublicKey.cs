using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// A Paillier public key with generator g = n + 1 (Paillier, "Public-Key Cryptosystems Based on Composite Degree
/// Residuosity Classes", EUROCRYPT 1999; the g = n + 1 simplification as in Damgård–Jurik, PKC 2001).
/// </summary>
/// <remarks>
/// <para>
/// Encryption of m ∈ [0, n) with a fresh uniform r ∈ Z*_n: c = g^m · r^n mod n² = (1 + m·n) · r^n mod n², so its cost is
/// one exponentiation r^n mod n² plus one multiplication. Addition: D(c₁ · c₂ mod n²) = m₁ + m₂ mod n; adding a
/// plaintext k: D(c · (1 + k·n) mod n²) = m + k mod n.
/// </para>
/// <para>
/// Serialised form (<see cref="ToBytes"/>): a 4-byte big-endian bit length, then n as unsigned big-endian bytes,
/// <see cref="ModulusLength"/> wide. Ciphertexts are <see cref="CiphertextLength"/> bytes, big-endian.
/// </para>
/// </remarks>
public sealed partial class PaillierPublicKey : IEquatable<PaillierPublicKey>
{
    /// <summary>The smallest modulus size <see cref="FromBytes(ReadOnlySpan{byte})"/> and <see cref="PaillierPrivateKey.Generate"/> accept.</summary>
    public const int MinimumBits = 2048;

    /// <summary>The default modulus size (3072 is the other common choice).</summary>
    public const int DefaultBits = 2048;

    /// <summary>The largest modulus size accepted.</summary>
    public const int MaximumBits = 8192;

    private readonly byte[] _modulus;
    private readonly byte[] _modulusSquared;
    private readonly Lazy<ShortExponentRandomness> _shortExponent;

    internal PaillierPublicKey(BigInteger modulus, BigIntegerBackend backend, PaillierRandomness randomness = PaillierRandomness.ShortExponent)
    {
        System.Diagnostics.Debug.Assert(modulus.Sign > 0 && !modulus.IsEven, "n is an odd positive product of two primes.");
        N = modulus;
        NSquared = modulus * modulus;
        Bits = (int)modulus.GetBitLength();
        ModulusLength = (Bits + 7) / 8;
        CiphertextLength = ((2 * Bits) + 7) / 8;
        Backend = backend;
        _modulus = new byte[ModulusLength];
        _modulusSquared = new byte[CiphertextLength];
        ManagedBigIntegerBackend.Write(N, _modulus);
        ManagedBigIntegerBackend.Write(NSquared, _modulusSquared);
        Randomness = randomness;
        _shortExponent = new(() => new ShortExponentRandomness(this), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The bit length of n.</summary>
    public int Bits { get; }

    /// <summary>The modulus n.</summary>
    public BigInteger Modulus => N;

    /// <summary>Bytes of n (big-endian, fixed width).</summary>
    public int ModulusLength { get; }

    /// <summary>Bytes of a serialised ciphertext: the width of n² (big-endian, fixed width).</summary>
    public int CiphertextLength { get; }

    /// <summary>The big-integer backend this key computes with: <c>"gmp"</c> or <c>"managed"</c>.</summary>
    public string BackendName => Backend.Name;

    /// <summary>
    /// How <see cref="Encrypt(BigInteger)"/> and <see cref="CreateRandomizer()"/> draw r^n mod n²:
    /// <see cref="PaillierRandomness.ShortExponent"/> (Damgård–Jurik–Nielsen, the default) or
    /// <see cref="PaillierRandomness.Uniform"/>. Not part of the key's bytes or equality: each encryptor chooses.
    /// </summary>
    public PaillierRandomness Randomness { get; }

    internal BigInteger N { get; }

    internal BigInteger NSquared { get; }

    internal BigIntegerBackend Backend { get; }

    internal ReadOnlySpan<byte> ModulusBytes => _modulus;

    internal ReadOnlySpan<byte> ModulusSquaredBytes => _modulusSquared;

    /// <summary>Reads a key written by <see cref="ToBytes"/>, computing with the default backend.</summary>
    /// <exception cref="ArgumentException">The bytes are not a well-formed key of at least <see cref="MinimumBits"/> bits.</exception>
    public static PaillierPublicKey FromBytes(ReadOnlySpan<byte> bytes) => FromBytes(bytes, BigIntegerBackend.Default, MinimumBits);

    internal static PaillierPublicKey FromBytes(ReadOnlySpan<byte> bytes, BigIntegerBackend backend, int minimumBits)
    {
        if (bytes.Length < 4)
        {
            throw new ArgumentException($"A Paillier public key is a 4-byte bit length followed by n; got {bytes.Length} bytes.", nameof(bytes));
        }

        var bits = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (bits < minimumBits || bits > MaximumBits)
        {
            throw new ArgumentException($"A Paillier modulus of {bits} bits is outside the accepted range [{minimumBits}, {MaximumBits}].", nameof(bytes));
        }

        var width = (bits + 7) / 8;
        if (bytes.Length != 4 + width)
        {
            throw new ArgumentException($"A {bits}-bit Paillier public key is {4 + width} bytes (4-byte bit length + {width}-byte n); got {bytes.Length}.", nameof(bytes));
        }

        var n = ManagedBigIntegerBackend.Read(bytes[4..]);
        if (n.GetBitLength() != bits || n.IsEven)
        {
            throw new ArgumentException($"The Paillier modulus is not an odd {bits}-bit number (it has {n.GetBitLength()} bits{(n.IsEven ? " and is even" : string.Empty)}).", nameof(bytes));
        }

        return new PaillierPublicKey(n, backend);
    }

    /// <summary>This key with encryptions drawing their randomiser as <paramref name="randomness"/> says (equal to this key).</summary>
    public PaillierPublicKey WithRandomness(PaillierRandomness randomness)
    {
        if (!Enum.IsDefined(randomness))
        {
            throw new ArgumentOutOfRangeException(nameof(randomness), randomness, "Unknown Paillier randomness.");
        }

        return randomness == Randomness ? this : new PaillierPublicKey(N, Backend, randomness);
    }

    /// <summary>Writes the key: a 4-byte big-endian bit length, then n big-endian in <see cref="ModulusLength"/> bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[4 + ModulusLength];
        BinaryPrimitives.WriteInt32BigEndian(bytes, Bits);
        _modulus.CopyTo(bytes.AsSpan(4));
        return bytes;
    }

    /// <summary>Encrypts m ∈ [0, n) with a fresh randomiser drawn as <see cref="Randomness"/> says, from <see cref="RandomNumberGenerator"/>.</summary>
    /// <remarks>
    /// Effectively computes c = (1 + m·n) · R mod n² with R = h_s^a (<see cref="PaillierRandomness.ShortExponent"/>) or
    /// R = r^n (<see cref="PaillierRandomness.Uniform"/>). Signed values are encoded as n − |x| (see <see cref="FixedPointEncoding"/>).
    /// </remarks>
    public PaillierCiphertext Encrypt(BigInteger plaintext)
    {
        ThrowIfOutOfPlaintextRange(plaintext);
        var value = new byte[CiphertextLength];
        Span<byte> rn = stackalloc byte[CiphertextLength];
        try
        {
            DrawRandomizer(Randomness, rn);
            MultiplyByGeneratorPower(rn, plaintext, value);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rn);
        }

        return new PaillierCiphertext(this, value);
    }

    /// <summary>Encrypts with a randomiser r^n mod n² computed ahead of time (<see cref="CreateRandomizer()"/>); the randomiser is consumed.</summary>
    /// <exception cref="InvalidOperationException">The randomiser was used before, or belongs to another key.</exception>
    public PaillierCiphertext Encrypt(BigInteger plaintext, PaillierRandomizer randomizer)
    {
        ArgumentNullException.ThrowIfNull(randomizer);
        ThrowIfOutOfPlaintextRange(plaintext);
        if (!Equals(randomizer.PublicKey))
        {
            throw new InvalidOperationException("The randomiser was made for another Paillier key.");
        }

        var rn = randomizer.Take();
        var value = new byte[CiphertextLength];
        try
        {
            MultiplyByGeneratorPower(rn, plaintext, value);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(rn);
        }

        return new PaillierCiphertext(this, value);
    }

    /// <summary>Computes a fresh randomiser as <see cref="Randomness"/> says: the expensive half of an encryption, done ahead of time. Use it once.</summary>
    public PaillierRandomizer CreateRandomizer() => CreateRandomizer(Randomness);

    /// <summary>Computes a fresh randomiser of the given kind (h_s^a or r^n mod n²) ahead of time. Use it once.</summary>
    public PaillierRandomizer CreateRandomizer(PaillierRandomness randomness)
    {
        var rn = new byte[CiphertextLength];
        DrawRandomizer(randomness, rn);
        return new PaillierRandomizer(this, rn);
    }

    /// <summary>The ciphertext of m₁ + m₂ mod n.</summary>
    /// <remarks>Effectively computes c = c₁ · c₂ mod n².</remarks>
    public PaillierCiphertext Add(PaillierCiphertext left, PaillierCiphertext right)
    {
        ThrowIfForeign(left);
        ThrowIfForeign(right);
        var value = new byte[CiphertextLength];
        Backend.ModMultiply(left.Value, right.Value, _modulusSquared, value);
        return new PaillierCiphertext(this, value);
    }

    /// <summary>The ciphertext of m + k mod n for a plaintext k (negative k adds n − |k|).</summary>
    /// <remarks>Effectively computes c' = c · (1 + k·n) mod n²; deterministic (no new randomness), like any homomorphic operation.</remarks>
    public PaillierCiphertext AddPlaintext(PaillierCiphertext ciphertext, BigInteger plaintext)
    {
        ThrowIfForeign(ciphertext);
        if (BigInteger.Abs(plaintext) >= N)
        {
            throw new ArgumentOutOfRangeException(nameof(plaintext), "A plaintext to add must lie in (-n, n).");
        }

        var value = new byte[CiphertextLength];
        MultiplyByGeneratorPower(ciphertext.Value, plaintext.Sign < 0 ? plaintext + N : plaintext, value);
        return new PaillierCiphertext(this, value);
    }

    /// <summary>Reads a ciphertext written by <see cref="PaillierCiphertext.ToBytes"/> under this key (see <see cref="PaillierCiphertext.FromBytes"/>).</summary>
    public PaillierCiphertext CiphertextFromBytes(ReadOnlySpan<byte> bytes) => PaillierCiphertext.FromBytes(this, bytes);

    public bool Equals(PaillierPublicKey? other) => other is not null && (ReferenceEquals(this, other) || N == other.N);

    public override bool Equals(object? obj) => Equals(obj as PaillierPublicKey);

    public override int GetHashCode() => N.GetHashCode();

    /// <summary>Encrypts with a given r (known-answer and cross-backend tests only).</summary>
    internal PaillierCiphertext Encrypt(BigInteger plaintext, BigInteger r)
    {
        ThrowIfOutOfPlaintextRange(plaintext);
        Span<byte> rBytes = stackalloc byte[ModulusLength];
        Span<byte> rn = stackalloc byte[CiphertextLength];
        ManagedBigIntegerBackend.Write(r, rBytes);
        Backend.ModPow(rBytes, _modulus, _modulusSquared, rn);
        var value = new byte[CiphertextLength];
        MultiplyByGeneratorPower(rn, plaintext, value);
        return new PaillierCiphertext(this, value);
    }

    internal void ThrowIfForeign(PaillierCiphertext ciphertext, string? parameterName = null)
    {
        ArgumentNullException.ThrowIfNull(ciphertext, parameterName);
        if (!Equals(ciphertext.PublicKey))
        {
            throw new ArgumentException("The ciphertext was encrypted under another Paillier key.", parameterName ?? nameof(ciphertext));
        }
    }

    /// <summary>destination = factor · (1 + m·n) mod n², with m ∈ [0, n).</summary>
    private void MultiplyByGeneratorPower(ReadOnlySpan<byte> factor, BigInteger plaintext, Span<byte> destination)
    {
        // g^m = (1 + n)^m = 1 + m·n mod n² (binomial theorem): no exponentiation needed.
        Span<byte> generatorPower = stackalloc byte[CiphertextLength];
        ManagedBigIntegerBackend.Write(BigInteger.One + (plaintext * N), generatorPower);
        Backend.ModMultiply(factor, generatorPower, _modulusSquared, destination);
        CryptographicOperations.ZeroMemory(generatorPower);
    }

    /// <summary>destination = a fresh h_s^a or r^n mod n².</summary>
    private void DrawRandomizer(PaillierRandomness randomness, Span<byte> destination)
    {
        switch (randomness)
        {
            case PaillierRandomness.ShortExponent:
                _shortExponent.Value.Next(destination);
                break;
            case PaillierRandomness.Uniform:
                Span<byte> r = stackalloc byte[ModulusLength];
                try
                {
                    DrawUnit(r);
                    Backend.ModPow(r, _modulus, _modulusSquared, destination);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(r);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(randomness), randomness, "Unknown Paillier randomness.");
        }
    }

    /// <summary>A uniform r ∈ [1, n) with gcd(r, n) = 1, by rejection sampling from <see cref="RandomNumberGenerator"/>.</summary>
    internal void DrawUnit(Span<byte> destination)
    {
        var topMask = (byte)(0xFF >> ((8 * ModulusLength) - Bits));
        while (true)
        {
            RandomNumberGenerator.Fill(destination);
            destination[0] &= topMask;
            if (destination.SequenceCompareTo(_modulus) < 0 && destination.ContainsAnyExcept((byte)0) && Backend.AreCoprime(destination, _modulus))
            {
                return;
            }
        }
    }

    private void ThrowIfOutOfPlaintextRange(BigInteger plaintext)
    {
        if (plaintext.Sign < 0 || plaintext >= N)
        {
            throw new ArgumentOutOfRangeException(nameof(plaintext), "A Paillier plaintext lies in [0, n); encode negative values as n − |x| (FixedPointEncoding does).");
        }
    }
}
