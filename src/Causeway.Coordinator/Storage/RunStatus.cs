namespace Causeway.Coordinator.Storage;

/// <summary>The life cycle of a run. Stored as lower-case text (<c>pending</c>, <c>running</c>...).</summary>
/// <remarks>The allowed changes are listed by <see cref="RunStatusTransitions.IsAllowed"/>.</remarks>
public enum RunStatus
{
    /// <summary>Created, not started yet.</summary>
    Pending,

    /// <summary>
    /// Rounds are being run, or were when the coordinator died or shut down: a coordinator starting on the store resumes
    /// the newest such run (a resume sets it again).
    /// </summary>
    Running,

    /// <summary>Every round closed. Final.</summary>
    Completed,

    /// <summary>The run stopped on an error, diverged or had too many failed rounds; it may be resumed from its last checkpoint.</summary>
    Failed,

    /// <summary>An operator stopped the run; it is resumed only on request, from its last checkpoint.</summary>
    Stopped,
}
