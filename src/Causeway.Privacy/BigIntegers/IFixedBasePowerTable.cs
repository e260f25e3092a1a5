namespace Causeway.Privacy.BigIntegers;

/// <summary>
/// base^e mod m for one fixed base and modulus and exponents of at most <see cref="ExponentBits"/> bits, from a table of
/// precomputed powers (the fixed-base windowed method: Menezes, van Oorschot, Vanstone, Handbook of Applied
/// Cryptography, §14.6.3, with one table row per window).
/// </summary>
/// <remarks>
/// With window w the exponent is cut into ⌈bits/w⌉ digits e = Σᵢ dᵢ·2^(w·i), and the table holds
/// T[i][d] = base^(d·2^(w·i)) mod m for 1 ≤ d &lt; 2^w, so base^e = Πᵢ T[i][dᵢ] mod m: at most ⌈bits/w⌉ − 1 modular
/// multiplications and no squaring, against about 1.2·bits for a sliding-window exponentiation. The table holds
/// ⌈bits/w⌉·(2^w − 1) values of the modulus' width. Safe to call from several threads at once.
/// </remarks>
internal interface IFixedBasePowerTable : IDisposable
{
    /// <summary>The largest exponent size the table covers, in bits.</summary>
    int ExponentBits { get; }

    /// <summary>The window w: bits per digit.</summary>
    int Window { get; }

    /// <summary>destination = base^exponent mod m for an unsigned big-endian exponent of at most <see cref="ExponentBits"/> bits.</summary>
    void Power(ReadOnlySpan<byte> exponent, Span<byte> destination);
}
