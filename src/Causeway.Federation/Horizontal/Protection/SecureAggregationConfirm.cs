using Causeway.Privacy.SecureAggregation;

namespace Causeway.Federation.Horizontal.Protection;

/// <summary>
/// Secure aggregation's consistency round (authenticated sessions), coordinator → survivor: the parties whose masked
/// input arrived; the party signs its view of them and answers <see cref="SecureAggregationConfirmed"/>.
/// </summary>
public sealed record SecureAggregationConfirm(UnmaskingRequest Request) : ProtocolMessage
{
    public override string Name => "secagg-confirm";
}

/// <summary>The consistency round, survivor → coordinator: the party's signature over its view of the survivors.</summary>
public sealed record SecureAggregationConfirmed(SurvivorSignature Signature) : ProtocolMessage
{
    public override string Name => "secagg-confirmed";
}
