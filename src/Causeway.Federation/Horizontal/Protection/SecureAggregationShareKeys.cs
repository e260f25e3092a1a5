using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Secure aggregation round 1, coordinator → party: the directory of advertised keys; the party answers <see cref="SecureAggregationShares"/>.</summary>
public sealed record SecureAggregationShareKeys(KeyDirectory Directory) : ProtocolMessage
{
    public override string Name => "secagg-share-keys";
}
