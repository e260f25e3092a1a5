using Causeway.Privacy.BigIntegers;

namespace Causeway.Privacy.Paillier;

/// <summary>A Paillier ciphertext c ∈ Z*_{n²} under one public key: immutable, <see cref="PaillierPublicKey.CiphertextLength"/> bytes big-endian.</summary>
public sealed class PaillierCiphertext
{
    private readonly byte[] _value;

    internal PaillierCiphertext(PaillierPublicKey publicKey, byte[] value)
    {
        System.Diagnostics.Debug.Assert(value.Length == publicKey.CiphertextLength, "Ciphertexts are fixed width.");
        PublicKey = publicKey;
        _value = value;
    }

    /// <summary>The key the ciphertext was encrypted (or read) under.</summary>
    public PaillierPublicKey PublicKey { get; }

    internal ReadOnlySpan<byte> Value => _value;

    internal ReadOnlyMemory<byte> Memory => _value;

    /// <summary>
    /// Reads and validates a ciphertext for <paramref name="publicKey"/>: exactly <see cref="PaillierPublicKey.CiphertextLength"/>
    /// bytes big-endian, a value in [1, n²), coprime to n.
    /// </summary>
    /// <exception cref="ArgumentException">The bytes are not a valid ciphertext under this key; the message says which check failed.</exception>
    public static PaillierCiphertext FromBytes(PaillierPublicKey publicKey, ReadOnlySpan<byte> bytes)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (bytes.Length != publicKey.CiphertextLength)
        {
            throw new ArgumentException(
                $"A ciphertext under a {publicKey.Bits}-bit Paillier key is {publicKey.CiphertextLength} bytes (big-endian, fixed width); got {bytes.Length}.",
                nameof(bytes));
        }

        if (!bytes.ContainsAnyExcept((byte)0) || bytes.SequenceCompareTo(publicKey.ModulusSquaredBytes) >= 0)
        {
            throw new ArgumentException("The Paillier ciphertext is out of range: it must lie in [1, n²).", nameof(bytes));
        }

        if (!publicKey.Backend.AreCoprime(bytes, publicKey.ModulusBytes))
        {
            throw new ArgumentException("The Paillier ciphertext is not coprime to n (gcd(c, n) ≠ 1), so it is not a valid ciphertext under this key.", nameof(bytes));
        }

        return new PaillierCiphertext(publicKey, bytes.ToArray());
    }

    /// <summary>The ciphertext as <see cref="PaillierPublicKey.CiphertextLength"/> big-endian bytes.</summary>
    public byte[] ToBytes() => (byte[])_value.Clone();

    /// <summary>Writes the ciphertext into the first <see cref="PaillierPublicKey.CiphertextLength"/> bytes of <paramref name="destination"/>.</summary>
    public void WriteTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, _value.Length, nameof(destination));
        _value.CopyTo(destination);
    }

    internal System.Numerics.BigInteger ToBigInteger() => ManagedBigIntegerBackend.Read(_value);
}
