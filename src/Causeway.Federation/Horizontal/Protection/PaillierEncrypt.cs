namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Carried by a Paillier round's train task: the public key to encrypt the delta under. The party trains, encrypts
/// its delta (packed fixed point) and answers with <see cref="PaillierCiphertexts"/> instead of the delta.
/// </summary>
public sealed record PaillierEncrypt(byte[] PublicKey) : ProtectionMessage
{
    public override string Name => "paillier-encrypt";
}
