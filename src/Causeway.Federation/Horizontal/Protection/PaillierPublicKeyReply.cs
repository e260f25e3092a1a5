namespace Causeway.Federation.Horizontal.Protection;

/// <summary>The key holder → coordinator: the run's Paillier public key in <c>PaillierPublicKey.ToBytes</c> form.</summary>
public sealed record PaillierPublicKeyReply(byte[] PublicKey) : ProtocolMessage
{
    public override string Name => "paillier-key";
}
