using System.Security.Cryptography;

namespace Causeway.Privacy.Paillier;

/// <summary>
/// r^n mod n² for a fresh secret r, computed ahead of time so that a later encryption costs one multiplication.
/// Single use: encrypting twice with one r would let anyone divide the ciphertexts and learn g^(m₁ − m₂).
/// </summary>
public sealed class PaillierRandomizer
{
    private byte[]? _value;

    internal PaillierRandomizer(PaillierPublicKey publicKey, byte[] value)
    {
        PublicKey = publicKey;
        _value = value;
    }

    public PaillierPublicKey PublicKey { get; }

    /// <summary>Hands the value out once; the caller clears it.</summary>
    internal byte[] Take() =>
        Interlocked.Exchange(ref _value, null) ?? throw new InvalidOperationException("This Paillier randomiser was already used; reusing r breaks semantic security.");

    /// <summary>Clears an unused randomiser.</summary>
    internal void Discard()
    {
        if (Interlocked.Exchange(ref _value, null) is { } value)
        {
            CryptographicOperations.ZeroMemory(value);
        }
    }
}
