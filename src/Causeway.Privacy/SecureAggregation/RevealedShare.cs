namespace Causeway.Privacy.SecureAggregation;

/// <summary>One decrypted Shamir share revealed in the unmasking round.</summary>
/// <param name="Owner">The party whose secret this is a share of.</param>
/// <param name="Kind">Which of the owner's secrets.</param>
/// <param name="Chunks">The share's field elements in GF(2^61 − 1), one per 7-byte chunk of the secret.</param>
public sealed record RevealedShare(int Owner, SecretKind Kind, ulong[] Chunks)
{
    /// <summary>Bytes on the wire: owner (4) + kind (1) + 8 per chunk.</summary>
    public int EncodedLength => 5 + (8 * Chunks.Length);
}
