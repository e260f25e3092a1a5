namespace Causeway.Coordinator.Storage;

/// <summary>What became of one selected party in one round. Stored as lower-case text.</summary>
public enum PartyOutcome
{
    /// <summary>The party's update was aggregated.</summary>
    Accepted,

    /// <summary>The party did not answer before the round's deadline.</summary>
    Straggler,

    /// <summary>The party disconnected or reported that it could not train.</summary>
    Dropout,

    /// <summary>The party answered with an invalid update.</summary>
    Rejected,
}
