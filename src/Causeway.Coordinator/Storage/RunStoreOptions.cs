namespace Causeway.Coordinator.Storage;

/// <summary>Options shared by the run stores.</summary>
public sealed record RunStoreOptions
{
    /// <summary>
    /// How many of a run's most recent checkpoints to keep, or null (the default) to keep every round's.
    /// Older ones are deleted in the same transaction that writes a new one, so the latest always survives.
    /// </summary>
    public int? CheckpointsToKeep { get; init; }

    /// <summary>
    /// How often a held <see cref="IStoreLease"/> checks that it is still held (and cancels <see cref="IStoreLease.Lost"/>
    /// when not). Default 1 s. Writes check it themselves; this bounds how long a coordinator that lost it goes on serving.
    /// </summary>
    public TimeSpan LeaseCheckInterval { get; init; } = TimeSpan.FromSeconds(1);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LeaseCheckInterval, TimeSpan.Zero, nameof(LeaseCheckInterval));
        if (CheckpointsToKeep is { } keep)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep, nameof(CheckpointsToKeep));
        }
    }
}
