namespace Causeway.Privacy.SecureAggregation;

/// <summary>Round 3, party → server: the shares the server asked for, decrypted by their recipient.</summary>
public sealed record UnmaskingResponse(int Party, IReadOnlyList<RevealedShare> Shares)
{
    /// <summary>Bytes on the wire: index and count (8) + the shares.</summary>
    public long EncodedLength
    {
        get
        {
            long total = 8;
            foreach (var share in Shares)
            {
                total += share.EncodedLength;
            }

            return total;
        }
    }
}
