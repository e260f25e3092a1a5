namespace Causeway.Coordinator.Storage;

/// <summary>Which status changes a run store accepts.</summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>pending → running | failed | stopped</c></item>
/// <item><c>running → running | completed | failed | stopped</c> (running → running is a resume after a crash)</item>
/// <item><c>failed → running</c> and <c>stopped → running</c> (resume from the last checkpoint)</item>
/// <item><c>completed</c> is final, and nothing returns to <c>pending</c>.</item>
/// </list>
/// </remarks>
public static class RunStatusTransitions
{
    /// <summary>Returns true when a run in status <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool IsAllowed(RunStatus from, RunStatus to) => (from, to) switch
    {
        (RunStatus.Pending, RunStatus.Running or RunStatus.Failed or RunStatus.Stopped) => true,
        (RunStatus.Running, RunStatus.Running or RunStatus.Completed or RunStatus.Failed or RunStatus.Stopped) => true,
        (RunStatus.Failed or RunStatus.Stopped, RunStatus.Running) => true,
        _ => false,
    };

    /// <summary>The statuses from which a run may move to <paramref name="to"/>.</summary>
    public static IReadOnlyList<RunStatus> AllowedSources(RunStatus to) =>
        [.. Enum.GetValues<RunStatus>().Where(from => IsAllowed(from, to))];
}
