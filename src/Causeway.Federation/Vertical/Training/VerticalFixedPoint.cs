using System.Numerics;
using System.Security.Cryptography;
using Causeway.Privacy.Paillier;

namespace Causeway.Federation.Vertical.Training;

/// <summary>
/// The fixed-point encodings of the encrypted vertical protocol, on raw (unpacked) Paillier plaintexts: a score or
/// residual r becomes round(r · 2^32) mod n; a feature x, used as a homomorphic scalar, becomes round(x · 2^16). A
/// gradient Σ xᵢ·rᵢ then decrypts to an integer scaled by 2^48. Under a 1024-bit or larger key the sums stay far
/// below n/2 (|x|, |r| &lt; 2^20 and 2^20 rows use under 150 bits), so nothing wraps.
/// </summary>
internal static class VerticalFixedPoint
{
    /// <summary>Fractional bits of scores and residuals.</summary>
    public const int ScoreBits = 32;

    /// <summary>Fractional bits of a feature used as a scalar.</summary>
    public const int FeatureBits = 16;

    /// <summary>round(x · 2^16), the scalar a feature multiplies a ciphertext by.</summary>
    public static long EncodeFeature(float value) => (long)Math.Round(Math.ScaleB(value, FeatureBits), MidpointRounding.ToEven);

    /// <summary>round(r · 2^32) as a signed integer.</summary>
    public static BigInteger EncodeScore(double value)
    {
        if (!double.IsFinite(value) || Math.Abs(value) >= 1e12)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "A score to encrypt must be finite and below 1e12 in magnitude; the model diverged (lower the learning rate).");
        }

        return new BigInteger(Math.Round(Math.ScaleB(value, ScoreBits), MidpointRounding.ToEven));
    }

    /// <summary>A signed integer as a plaintext in [0, n).</summary>
    public static BigInteger ToPlaintext(BigInteger value, PaillierPublicKey key) => value.Sign < 0 ? value + key.Modulus : value;

    /// <summary>E(round(v·2^32)) for each value, fresh randomness each, both cores.</summary>
    public static PaillierCiphertext[] EncryptScores(double[] values, PaillierPublicKey key)
    {
        var encrypted = new PaillierCiphertext[values.Length];
        Parallel.For(0, values.Length, i => encrypted[i] = key.Encrypt(ToPlaintext(EncodeScore(values[i]), key)));
        return encrypted;
    }

    /// <summary>The signed integer under a mask: a masked sum's decryption minus the mask, mod n, read as in (−n/2, n/2].</summary>
    public static BigInteger Unmask(BigInteger decrypted, BigInteger mask, PaillierPublicKey key)
    {
        var unmasked = (decrypted - mask) % key.Modulus;
        return FromPlaintext(unmasked.Sign < 0 ? unmasked + key.Modulus : unmasked, key);
    }

    /// <summary>A plaintext in [0, n) back to the signed integer in (−n/2, n/2].</summary>
    public static BigInteger FromPlaintext(BigInteger value, PaillierPublicKey key) => value > key.Modulus >> 1 ? value - key.Modulus : value;

    /// <summary>A decrypted gradient entry Σ round(x·2^16)·round(r·2^32) as a real.</summary>
    public static double DecodeProduct(BigInteger value) => Math.ScaleB((double)value, -(ScoreBits + FeatureBits));

    /// <summary>A uniform mask in [0, n) from <see cref="RandomNumberGenerator"/> (128 extra bits make the reduction's bias negligible).</summary>
    public static BigInteger DrawMask(PaillierPublicKey key)
    {
        var bytes = RandomNumberGenerator.GetBytes(key.ModulusLength + 16);
        try
        {
            return new BigInteger(bytes, isUnsigned: true, isBigEndian: true) % key.Modulus;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }
}
