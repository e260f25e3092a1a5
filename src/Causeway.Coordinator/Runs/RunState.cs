namespace Causeway.Coordinator.Runs;

/// <summary>The life of a run.</summary>
public enum RunState
{
    Running,

    /// <summary>Every round closed (or the privacy budget ended the run early).</summary>
    Completed,

    /// <summary>The run diverged, too many of its rounds failed, or it hit an error; it may be resumed on request.</summary>
    Failed,

    /// <summary>An operator stopped the run; it resumes only on request, from its last closed round.</summary>
    Stopped,

    /// <summary>A coordinator process stopped or died during the run; it resumes from its last closed round (at start-up or on request).</summary>
    Interrupted,
}
