namespace Causeway.Privacy.SecureAggregation;

/// <summary>
/// The consistency round of an authenticated session, party → server → the parties that need it: party
/// <paramref name="Party"/>'s signature over its view of the survivors, i.e. the members of its neighbourhood the
/// server said sent a masked input (<see cref="SecureAggregationIdentity.SurvivorsMessage"/>).
/// </summary>
/// <param name="Party">The signer.</param>
/// <param name="View">The survivors in the signer's neighbourhood, ascending (the signer included).</param>
/// <param name="Signature">ECDSA P-256 (IEEE P1363, 64 bytes) under the signer's identity key.</param>
public sealed record SurvivorSignature(int Party, IReadOnlyList<int> View, byte[] Signature)
{
    /// <summary>Bytes on the wire: index and count (8) + 4 per survivor + the signature.</summary>
    public int EncodedLength => 8 + (4 * View.Count) + Signature.Length;
}
