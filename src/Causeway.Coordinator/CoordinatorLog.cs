using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator;

/// <summary>Source-generated log messages of the coordinator. Never logs tokens, keys or tensor values.</summary>
internal static partial class CoordinatorLog
{
    [LoggerMessage(1, LogLevel.Information, "Party {Party} joined federation {Federation}.")]
    public static partial void PartyJoined(ILogger logger, string party, string federation);

    [LoggerMessage(2, LogLevel.Warning, "Join refused for party {Party}: {Reason}.")]
    public static partial void JoinRefused(ILogger logger, string party, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Request to {Path} refused ({Status}): {Reason}.")]
    public static partial void RequestRefused(ILogger logger, string path, int status, string reason);

    [LoggerMessage(4, LogLevel.Warning, "Result from party {Party} for task {TaskId} rejected ({Status}): {Reason}.")]
    public static partial void ResultRejected(ILogger logger, string party, string taskId, int status, string reason);

    [LoggerMessage(5, LogLevel.Debug, "Task {TaskId} (round {Round}) delivered to party {Party}.")]
    public static partial void TaskDelivered(ILogger logger, string taskId, int round, string party);

    [LoggerMessage(6, LogLevel.Debug, "Result for task {TaskId} accepted from party {Party}.")]
    public static partial void ResultAccepted(ILogger logger, string taskId, string party);

    [LoggerMessage(7, LogLevel.Information, "Task {TaskId} for party {Party} withdrawn: round {Round} closed.")]
    public static partial void TaskWithdrawn(ILogger logger, string taskId, string party, int round);

    [LoggerMessage(8, LogLevel.Warning, "Party {Party} missed its heartbeats for {Seconds:F0} s and is a dropout.")]
    public static partial void PartyExpired(ILogger logger, string party, double seconds);

    [LoggerMessage(9, LogLevel.Information, "Run {RunId} started: {Description}.")]
    public static partial void RunStarted(ILogger logger, string runId, string description);

    [LoggerMessage(10, LogLevel.Information, "Run {RunId} finished with state {State}.")]
    public static partial void RunFinished(ILogger logger, string runId, string state);

    [LoggerMessage(11, LogLevel.Error, "Run {RunId} failed.")]
    public static partial void RunFailed(ILogger logger, Exception exception, string runId);

    [LoggerMessage(12, LogLevel.Information, "Party {Party} reported failure for task {TaskId}: {Reason}.")]
    public static partial void PartyReportedFailure(ILogger logger, string party, string taskId, string reason);

    [LoggerMessage(13, LogLevel.Information, "Run {RunId} was interrupted after round {Round}; waiting up to {Seconds:F0} s for its {Parties} parties to join again.")]
    public static partial void RecoveryWaiting(ILogger logger, string runId, int round, int parties, double seconds);

    [LoggerMessage(14, LogLevel.Warning, "Run {RunId} could not be resumed: {Reason}.")]
    public static partial void RecoveryFailed(ILogger logger, string runId, string reason);

    /// <remarks><c>causeway bench rounds</c> reads this line to take its CPU samples at round boundaries; keep the wording.</remarks>
    [LoggerMessage(15, LogLevel.Information, "Round {Round}/{TotalRounds} of run {RunId} closed: {Updates} updates in {Seconds:F3} s.")]
    public static partial void RoundClosed(ILogger logger, int round, int totalRounds, string runId, int updates, double seconds);

    [LoggerMessage(17, LogLevel.Information, "Run {RunId} resumes after round {Round}.")]
    public static partial void RunResumed(ILogger logger, string runId, int round);

    [LoggerMessage(16, LogLevel.Warning, "Party {Party} is left out of run {RunId}: {Reason}.")]
    public static partial void PartyLeftOut(ILogger logger, string party, string runId, string reason);

    [LoggerMessage(18, LogLevel.Error, "Run {RunId} failed: {Reason}.")]
    public static partial void RunFailedWith(ILogger logger, string runId, string reason);

    [LoggerMessage(19, LogLevel.Information, "Run {RunId} stopped by an operator after round {Round}; it resumes only on request.")]
    public static partial void RunStopped(ILogger logger, string runId, int round);

    [LoggerMessage(
        20,
        LogLevel.Warning,
        "Party {Party} joined while its previous session was live (last heard {Seconds:F1} s ago); the new session replaces it. "
            + "Expected when a party restarts or reconnects; if two processes run with this party id, the replaced one stands by: stop one of them.")]
    public static partial void LiveSessionReplaced(ILogger logger, string party, double seconds);

    [LoggerMessage(21, LogLevel.Debug, "Standby join of party {Party} refused: its id has a live session.")]
    public static partial void StandbyJoinRefused(ILogger logger, string party);

    [LoggerMessage(22, LogLevel.Warning, "Run {RunId} round {Round}: the evaluation histograms' secure sum failed ({Reason}); the round has no AUC or F1.")]
    public static partial void SecureScoresFailed(ILogger logger, string runId, int round, string reason);

    [LoggerMessage(23, LogLevel.Information, "Run {RunId}: secure aggregation among the {Parties} parties connected now: {Parameters}.")]
    public static partial void SecureAggregationParameters(ILogger logger, string runId, int parties, string parameters);
}
