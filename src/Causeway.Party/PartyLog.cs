using Microsoft.Extensions.Logging;

namespace Causeway.Party;

/// <summary>Source-generated log messages of the party host. Never logs tokens or tensor values.</summary>
internal static partial class PartyLog
{
    [LoggerMessage(1, LogLevel.Information, "Joined federation {Federation} as {Party} at {Coordinator}.")]
    public static partial void Joined(ILogger logger, string federation, string party, Uri coordinator);

    [LoggerMessage(2, LogLevel.Warning, "Coordinator unreachable ({Reason}); retrying in {DelayMs} ms.")]
    public static partial void Unreachable(ILogger logger, string reason, long delayMs);

    [LoggerMessage(9, LogLevel.Warning, "The coordinator ended the session before answering a call ({Reason}); joining again in {DelayMs} ms.")]
    public static partial void SessionRefused(ILogger logger, string reason, long delayMs);

    [LoggerMessage(3, LogLevel.Information, "Task {TaskId}: {Kind} for run {RunId} round {Round}.")]
    public static partial void TaskReceived(ILogger logger, string taskId, string kind, string runId, int round);

    [LoggerMessage(4, LogLevel.Warning, "The coordinator refused the result of task {TaskId}: {Reason}.")]
    public static partial void ResultRefused(ILogger logger, string taskId, string reason);

    [LoggerMessage(5, LogLevel.Error, "Task {TaskId} failed locally.")]
    public static partial void TaskFailed(ILogger logger, Exception exception, string taskId);

    [LoggerMessage(6, LogLevel.Information, "The session ended; joining again.")]
    public static partial void SessionExpired(ILogger logger);

    [LoggerMessage(7, LogLevel.Debug, "Heartbeat failed: {Reason}.")]
    public static partial void HeartbeatFailed(ILogger logger, string reason);

    [LoggerMessage(8, LogLevel.Warning, "The coordinator sent an invalid task: {Reason}.")]
    public static partial void InvalidTask(ILogger logger, string reason);

    [LoggerMessage(
        10,
        LogLevel.Warning,
        "Another process joined as party {Party} and replaced this one's session. Two running processes with one party id is a misconfiguration: "
            + "stop one of them. This process stands by and takes the id back only when the other's session ends (checking every {Seconds:F0} s).")]
    public static partial void SessionReplaced(ILogger logger, string party, double seconds);

    [LoggerMessage(11, LogLevel.Debug, "Party id {Party} is still in use by another process; standing by.")]
    public static partial void StillInUse(ILogger logger, string party);

    [LoggerMessage(12, LogLevel.Warning, "Party id {Party} is free again: this process joined and takes tasks.")]
    public static partial void TookIdBack(ILogger logger, string party);
}
