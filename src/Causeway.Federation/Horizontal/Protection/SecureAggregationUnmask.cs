using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Secure aggregation round 3, coordinator → survivor: the parties whose masked input arrived; the party answers <see cref="SecureAggregationUnmasked"/>.</summary>
public sealed record SecureAggregationUnmask(UnmaskingRequest Request) : ProtocolMessage
{
    public override string Name => "secagg-unmask";
}
