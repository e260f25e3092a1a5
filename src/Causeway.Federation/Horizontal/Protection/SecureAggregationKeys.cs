using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>Secure aggregation round 0, party → coordinator: the party's two fresh public keys.</summary>
public sealed record SecureAggregationKeys(AdvertisedKeys Keys) : ProtocolMessage
{
    public override string Name => "secagg-keys";
}
