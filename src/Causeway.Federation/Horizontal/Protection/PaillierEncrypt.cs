namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Carried by a Paillier round's train task: the public key to encrypt the delta under. The party trains, encrypts
/// its delta (packed fixed point) and answers with <see cref="PaillierCiphertexts"/> instead of the delta.
/// </summary>
/// <param name="PublicKey">The run's public key in <c>PaillierPublicKey.ToBytes</c> form.</param>
/// <param name="WeightCap">The public weight bound: the party encrypts <see cref="UpdateWeight.Of"/>(examples, cap) × delta; null for uniform weights.</param>
public sealed record PaillierEncrypt(byte[] PublicKey, double? WeightCap = null) : ProtocolMessage
{
    public override string Name => "paillier-encrypt";
}
