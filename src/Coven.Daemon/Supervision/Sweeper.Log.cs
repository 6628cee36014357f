using Coven.Daemon.Logging;

namespace Coven.Daemon.Supervision;

internal sealed partial class Sweeper
{
    [LoggerMessage(EventId = EventIds.StaleSocketRemoved, Level = LogLevel.Information, Message = "Removed stale lane socket {Path}")]
    private partial void LogStaleSocketRemoved(string path);

    [LoggerMessage(EventId = EventIds.LaneLogRemoved, Level = LogLevel.Information, Message = "Removed lane log {Path}")]
    private partial void LogLaneLogRemoved(string path);

    [LoggerMessage(EventId = EventIds.SweepFailed, Level = LogLevel.Error, Message = "Sweep failed for session {SessionId}")]
    private partial void LogSweepFailed(string sessionId, Exception exception);
}
