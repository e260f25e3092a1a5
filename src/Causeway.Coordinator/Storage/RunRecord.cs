namespace Causeway.Coordinator.Storage;

/// <summary>One federated training run as stored.</summary>
/// <remarks>Times are UTC with microsecond precision (finer ticks are truncated on write).</remarks>
public sealed record RunRecord
{
    public required string RunId { get; init; }

    public required string Name { get; init; }

    /// <summary>The run's configuration as a JSON document, stored verbatim.</summary>
    public required string ConfigJson { get; init; }

    public required RunStatus Status { get; init; }

    /// <summary>Why the status last changed (an error, "stopped by operator"...), or null.</summary>
    public string? StatusMessage { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the status last changed; equals <see cref="CreatedAt"/> for a new run.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>What the parties agreed on when the run started (<see cref="IRunStore.SaveRunSetupAsync"/>), or null before that.</summary>
    public string? SetupJson { get; init; }

    /// <summary>The operator's reference figures for the run (<see cref="IRunStore.SaveRunReferenceAsync"/>), or null.</summary>
    public string? ReferenceJson { get; init; }
}
