namespace Causeway.Coordinator.Parties;

/// <summary>A connected party as the control API reports it.</summary>
public sealed record PartyStatus(string Party, DateTimeOffset JoinedAt, DateTimeOffset LastHeartbeat);
