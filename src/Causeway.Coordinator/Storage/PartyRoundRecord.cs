using Causeway.Federation;

namespace Causeway.Coordinator.Storage;

/// <summary>One selected party's part in one round.</summary>
/// <param name="Party">The party.</param>
/// <param name="Outcome">Whether its update was used, and if not why.</param>
/// <param name="Reason">A short human-readable reason for a failure (never tensor values), or null.</param>
/// <param name="Examples">Training examples behind the update (0 when it sent none).</param>
/// <param name="TrainLoss">The party's reported training loss, or null. NaN is stored as null.</param>
/// <param name="Bytes">Bytes exchanged with this party in this round.</param>
/// <param name="TrainedOnVersion">Asynchronous runs: the model version the update was trained from (version v = the model after v rounds); null otherwise.</param>
/// <param name="AppliedToVersion">Asynchronous runs: the version the round's buffer was applied to (round − 1), or the update was refused at; null otherwise.</param>
/// <param name="StalenessWeight">Asynchronous runs: s(τ), the factor the update's delta was scaled by (0 when refused as stale); null otherwise.</param>
public sealed record PartyRoundRecord(
    PartyId Party,
    PartyOutcome Outcome,
    string? Reason,
    int Examples,
    double? TrainLoss,
    long Bytes,
    int? TrainedOnVersion = null,
    int? AppliedToVersion = null,
    double? StalenessWeight = null)
{
    /// <summary>τ = <see cref="AppliedToVersion"/> − <see cref="TrainedOnVersion"/>: how many versions the model moved on while the party trained; null for synchronous rounds.</summary>
    public int? Staleness => AppliedToVersion - TrainedOnVersion;
}
