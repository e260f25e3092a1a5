namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Coordinator → the key holder: the run's Paillier public key (generated on the first request of a run); answered by <see cref="PaillierPublicKeyReply"/>.</summary>
/// <param name="KeyBits">The modulus size the run asks for.</param>
public sealed record PaillierKeyRequest(int KeyBits) : ProtocolMessage
{
    public override string Name => "paillier-key-request";
}
