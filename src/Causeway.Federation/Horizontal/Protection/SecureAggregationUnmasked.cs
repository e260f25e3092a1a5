using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Secure aggregation round 3, party → coordinator: the shares that remove the masks from the sum.</summary>
public sealed record SecureAggregationUnmasked(UnmaskingResponse Response) : ProtocolMessage
{
    public override string Name => "secagg-unmasked";
}
