namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// Round 1: party <paramref name="From"/>'s Shamir shares (of its self-mask seed b and its mask private key c_sk)
/// for party <paramref name="To"/>, sealed with AES-256-GCM under a key only the two of them can derive.
/// </summary>
/// <param name="From">The share owner.</param>
/// <param name="To">The recipient; the server only routes the ciphertext.</param>
/// <param name="Ciphertext">AES-GCM ciphertext followed by its 16-byte tag.</param>
public sealed record EncryptedShare(int From, int To, byte[] Ciphertext)
{
    /// <summary>Bytes on the wire: two indices (8) + ciphertext and tag.</summary>
    public int EncodedLength => 8 + Ciphertext.Length;
}
