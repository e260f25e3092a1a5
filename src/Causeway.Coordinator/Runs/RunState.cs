namespace Causeway.Coordinator.Runs;

/// <summary>The life of a run.</summary>
public enum RunState
{
    Running,
    Completed,
    Failed,
    Cancelled,

    /// <summary>An earlier coordinator process stopped during the run; it resumes from its last closed round (at start-up or on request).</summary>
    Interrupted,
}
