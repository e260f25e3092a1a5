using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Secure aggregation round 2, the protected train reply: the masked ring vector y (uniform on its own).</summary>
public sealed record SecureAggregationMasked(MaskedInput Input) : ProtocolMessage
{
    public override string Name => "secagg-masked";

    public override long PayloadBytes => (long)Input.Values.Length * sizeof(uint);
}
