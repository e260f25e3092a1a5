using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Secure aggregation round 2, carried by the train task: the sealed shares addressed to the party. The party trains,
/// quantises and masks its delta, and answers with <see cref="SecureAggregationMasked"/> instead of the delta.
/// </summary>
/// <param name="Delivery">The sealed shares addressed to the party.</param>
/// <param name="WeightCap">The public weight bound: the party masks <see cref="UpdateWeight.Of"/>(examples, cap) × delta; null for uniform weights.</param>
public sealed record SecureAggregationMask(ShareDelivery Delivery, double? WeightCap = null) : ProtocolMessage
{
    public override string Name => "secagg-mask";
}
