using Microsoft.Extensions.Logging;

namespace Causeway.Coordinator.Vertical;

internal static partial class VerticalJobLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Vertical job {JobId} completed: {Intersection} aligned IDs")]
    public static partial void Completed(ILogger logger, string jobId, long intersection);

    [LoggerMessage(EventId = 301, Level = LogLevel.Warning, Message = "Vertical job {JobId} failed: {Reason}")]
    public static partial void Failed(ILogger logger, string jobId, string reason);
}
