using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Secure aggregation round 1, party → coordinator: the party's sealed Shamir shares, one per peer.</summary>
public sealed record SecureAggregationShares(ShareBundle Bundle) : ProtocolMessage
{
    public override string Name => "secagg-shares";
}
