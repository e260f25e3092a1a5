namespace Causeway.Privacy.Paillier;

/// <summary>How an encryption's randomiser r^n mod n² is drawn (docs/privacy.md, "Paillier randomness"; ADR 0021).</summary>
public enum PaillierRandomness
{
    /// <summary>
    /// Damgård–Jurik–Nielsen short-exponent randomness, the default: h_s^a mod n² with h_s = (−x²)^n mod n² fixed per key
    /// (x ∈ Z*_n drawn once by the encryptor) and a fresh a of ⌈bits(n)/2⌉ bits from <see cref="System.Security.Cryptography.RandomNumberGenerator"/>,
    /// computed from a fixed-base table: ⌈bits(n)/16⌉ multiplications modulo n² (128 at 2048 bits).
    /// </summary>
    ShortExponent,

    /// <summary>The textbook randomiser: r^n mod n² for a uniform r ∈ Z*_n, one full exponentiation each.</summary>
    Uniform,
}
