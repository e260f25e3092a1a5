namespace Causeway.Coordinator.Storage;

/// <summary>Options shared by the run stores.</summary>
public sealed record RunStoreOptions
{
    /// <summary>
    /// How many of a run's most recent checkpoints to keep, or null (the default) to keep every round's.
    /// Older ones are deleted in the same transaction that writes a new one, so the latest always survives.
    /// </summary>
    public int? CheckpointsToKeep { get; init; }

    internal void Validate()
    {
        if (CheckpointsToKeep is { } keep)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep, nameof(CheckpointsToKeep));
        }
    }
}
