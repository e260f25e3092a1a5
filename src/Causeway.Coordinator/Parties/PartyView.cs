namespace Causeway.Coordinator.Parties;

/// <summary>A party the coordinator has seen since it started, as the control API's <c>GET /api/parties</c> shows it.</summary>
/// <param name="Party">The party's id.</param>
/// <param name="Online">True while its session is active; false once it missed heartbeats or another join replaced it.</param>
/// <param name="JoinedAt">When its latest session began.</param>
/// <param name="LastSeen">The last call the coordinator accepted from it.</param>
/// <param name="Version">The software it said it runs when it joined (free text), or empty.</param>
/// <param name="Rows">The training rows it described when it joined (a table party); null when it described none.</param>
/// <param name="Ratings">The training ratings it described (a ratings party); null otherwise.</param>
/// <param name="OfflineReason">Why it is offline ("missed heartbeats", "the party joined again"); null while online.</param>
public sealed record PartyView(
    string Party, bool Online, DateTimeOffset JoinedAt, DateTimeOffset LastSeen, string Version, long? Rows, long? Ratings, string? OfflineReason);
