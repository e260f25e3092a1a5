namespace Causeway.Privacy.SecureAggregation;

/// <summary>Round 0, party → server → its neighbours: a party's two fresh P-256 public keys (uncompressed X ‖ Y, 64 bytes each).</summary>
/// <param name="Party">The sender's index.</param>
/// <param name="MaskPublicKey">c_pk: agreed with every neighbour to seed the pairwise masks.</param>
/// <param name="SharePublicKey">s_pk: agreed with every neighbour to encrypt the Shamir shares sent to it.</param>
/// <param name="Signature">
/// In an authenticated session, the sender's identity signature over <see cref="SecureAggregationIdentity.KeysMessage"/>
/// (64 bytes), so the server cannot substitute keys; null otherwise.
/// </param>
public sealed record AdvertisedKeys(int Party, byte[] MaskPublicKey, byte[] SharePublicKey, byte[]? Signature = null)
{
    /// <summary>Bytes on the wire: index (4) + two 64-byte points + the signature when present.</summary>
    public int EncodedLength => 4 + MaskPublicKey.Length + SharePublicKey.Length + (Signature?.Length ?? 0);
}
