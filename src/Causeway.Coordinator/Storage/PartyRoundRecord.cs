using Causeway.Federation;

namespace Causeway.Coordinator.Storage;

/// <summary>One selected party's part in one round.</summary>
/// <param name="Party">The party.</param>
/// <param name="Outcome">Whether its update was used, and if not why.</param>
/// <param name="Reason">A short human-readable reason for a failure (never tensor values), or null.</param>
/// <param name="Examples">Training examples behind the update (0 when it sent none).</param>
/// <param name="TrainLoss">The party's reported training loss, or null. NaN is stored as null.</param>
/// <param name="Bytes">Bytes exchanged with this party in this round.</param>
public sealed record PartyRoundRecord(
    PartyId Party,
    PartyOutcome Outcome,
    string? Reason,
    int Examples,
    double? TrainLoss,
    long Bytes);
