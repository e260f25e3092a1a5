namespace Causeway.Party;

/// <summary>What the coordinator said when this party joined.</summary>
public sealed record JoinInfo(string FederationId, TimeSpan HeartbeatInterval, TimeSpan LongPollTimeout, long MaxMessageBytes);
