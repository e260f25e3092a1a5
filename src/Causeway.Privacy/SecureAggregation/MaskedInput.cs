namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Round 2, party → server: y = x + PRG(b) + Σ_{j&gt;i} PRG(s_ij) − Σ_{j&lt;i} PRG(s_ij) (mod 2^32), where x is the
/// quantised input. Uniformly distributed on its own.
/// </summary>
public sealed record MaskedInput(int Party, uint[] Values)
{
    /// <summary>Bytes on the wire: index and length (8) + 4 per element.</summary>
    public long EncodedLength => 8 + (4L * Values.Length);
}
