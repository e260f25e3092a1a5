using Causeway.Federation;

namespace Causeway.Coordinator.Storage;

/// <summary>A party known to a federation's registry.</summary>
/// <param name="Federation">The federation the party belongs to.</param>
/// <param name="Party">The party's id, unique within the federation.</param>
/// <param name="TokenHash">A hash of the party's bearer token (never the token itself), in whatever text form the caller chose.</param>
/// <param name="RegisteredAt">When the party was first stored.</param>
/// <param name="LastSeen">When the party was last seen.</param>
public sealed record PartyRecord(string Federation, PartyId Party, string TokenHash, DateTimeOffset RegisteredAt, DateTimeOffset LastSeen);
