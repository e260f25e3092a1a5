namespace Causeway.Privacy.SecureAggregation;

/// <summary>Round 1, party → server: one <see cref="EncryptedShare"/> for every other party of the directory.</summary>
public sealed record ShareBundle(int Party, IReadOnlyList<EncryptedShare> Shares)
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
