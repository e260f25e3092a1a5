namespace Causeway.Coordinator.Runs;

/// <summary>The life of a run.</summary>
public enum RunState
{
    Running,
    Completed,
    Failed,
    Cancelled,
}
