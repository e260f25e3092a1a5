namespace Causeway.Privacy.SecureAggregation;

/// <summary>Round 0, party → server → all: a party's two fresh P-256 public keys (uncompressed X ‖ Y, 64 bytes each).</summary>
/// <param name="Party">The sender's index.</param>
/// <param name="MaskPublicKey">c_pk: agreed with every peer to seed the pairwise masks.</param>
/// <param name="SharePublicKey">s_pk: agreed with every peer to encrypt the Shamir shares sent to it.</param>
public sealed record AdvertisedKeys(int Party, byte[] MaskPublicKey, byte[] SharePublicKey)
{
    /// <summary>Bytes on the wire: index (4) + two 64-byte points.</summary>
    public int EncodedLength => 4 + MaskPublicKey.Length + SharePublicKey.Length;
}
