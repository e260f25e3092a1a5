using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Secure aggregation round 2, carried by the train task: the sealed shares addressed to the party. The party trains,
/// quantises and masks its delta, and answers with <see cref="SecureAggregationMasked"/> instead of the delta.
/// </summary>
public sealed record SecureAggregationMask(ShareDelivery Delivery) : ProtectionMessage
{
    public override string Name => "secagg-mask";
}
