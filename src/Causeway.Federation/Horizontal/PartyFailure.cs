namespace Causeway.Federation.Horizontal;

/// <summary>Why a selected party contributed nothing to a round. A failure is data, not an exception.</summary>
public enum FailureKind
{
    /// <summary>The party did not answer before the round's deadline.</summary>
    Straggler,

    /// <summary>The party disconnected, or reported that it could not train.</summary>
    Dropout,

    /// <summary>The party answered, but the update was invalid (wrong layout, NaN, too large...).</summary>
    Rejected,
}

/// <summary>A selected party that did not contribute, and why (the reason never contains tensor values).</summary>
public sealed record PartyFailure(PartyId Party, FailureKind Kind, string Reason);
