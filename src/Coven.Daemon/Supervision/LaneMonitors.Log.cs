using Coven.Core;
using Coven.Daemon.Logging;

namespace Coven.Daemon.Supervision;

internal sealed partial class LaneMonitors
{
    [LoggerMessage(EventId = EventIds.MonitorAttached, Level = LogLevel.Information, Message = "Session {SessionId} attached to lane {LanePid}")]
    private partial void LogAttached(SessionId sessionId, int lanePid);

    [LoggerMessage(EventId = EventIds.Reattached, Level = LogLevel.Information, Message = "Session {SessionId} re-attached to lane {LanePid}")]
    private partial void LogReattached(SessionId sessionId, int lanePid);

    [LoggerMessage(EventId = EventIds.MonitorLost, Level = LogLevel.Warning, Message = "Session {SessionId}: {Reason}")]
    private partial void LogMonitorLost(SessionId sessionId, string reason);

    [LoggerMessage(EventId = EventIds.MonitorFailed, Level = LogLevel.Warning, Message = "Session {SessionId}: lane identity check failed ({Detail})")]
    private partial void LogIdentityMismatch(SessionId sessionId, string detail);

    [LoggerMessage(EventId = EventIds.MonitorFailed, Level = LogLevel.Warning, Message = "Session {SessionId}: lane {LanePid} refused as incompatible, left running: {Reason}")]
    private partial void LogLaneRefused(SessionId sessionId, int lanePid, string reason);

    [LoggerMessage(EventId = EventIds.MonitorFailed, Level = LogLevel.Warning, Message = "Session {SessionId}: {Detail}")]
    private partial void LogMonitorFailed(SessionId sessionId, string detail);

    [LoggerMessage(EventId = EventIds.MonitorFailed, Level = LogLevel.Error, Message = "Monitor of session {SessionId} crashed")]
    private partial void LogMonitorCrashed(SessionId sessionId, Exception exception);

    [LoggerMessage(EventId = EventIds.SessionExited, Level = LogLevel.Information, Message = "Session {SessionId} exited (code {ExitCode}, signal {Signal}) → {Status}")]
    private partial void LogExited(SessionId sessionId, int? exitCode, string? signal, string status);

    [LoggerMessage(EventId = EventIds.SessionOrphaned, Level = LogLevel.Warning, Message = "Session {SessionId} orphaned: {Reason}")]
    private partial void LogOrphaned(SessionId sessionId, string reason);
}
