namespace Causeway.Federation.Horizontal.Protection;

/// <summary>The key holder → coordinator: the decrypted sum of the round's updates (never an individual update).</summary>
public sealed record PaillierDecryptedSum(double[] Sum) : ProtocolMessage
{
    public override string Name => "paillier-sum";
}
