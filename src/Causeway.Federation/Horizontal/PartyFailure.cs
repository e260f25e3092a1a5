namespace Causeway.Federation.Horizontal;

/// <summary>Why a selected party contributed nothing to a round. A failure is data, not an exception.</summary>
public enum FailureKind
{
    /// <summary>The party did not answer before the round's deadline.</summary>
    Straggler,

    /// <summary>The party disconnected, or reported that it could not train.</summary>
    Dropout,

    /// <summary>The party answered, but the update was invalid (wrong layout, too large...).</summary>
    Rejected,

    /// <summary>
    /// The party answered with NaN or infinite values in its delta or training loss: a rejected update whose training
    /// diverged (or is broken). A round in which every update that arrived is one ends the run (<see cref="DivergenceRule"/>).
    /// </summary>
    NonFinite,

    /// <summary>
    /// Asynchronous updates only: the party trained on a model version more than the run's maximum staleness behind
    /// the one its update would be applied to, so it was refused (<see cref="Buffered.BufferedUpdates.MaxStaleness"/>).
    /// </summary>
    Stale,
}

/// <summary>A selected party that did not contribute, and why (the reason never contains tensor values).</summary>
public sealed record PartyFailure(PartyId Party, FailureKind Kind, string Reason);
