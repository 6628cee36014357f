using Coven.Core;
using Coven.Daemon.Logging;

namespace Coven.Daemon.Sessions;

internal sealed partial class SessionService
{
    [LoggerMessage(EventId = EventIds.SessionLaunched, Level = LogLevel.Information, Message = "Session {SessionId} live: harness {Harness}, lane {LanePid}, harness pid {HarnessPid}")]
    private partial void LogLaunched(SessionId sessionId, string harness, int lanePid, int harnessPid);

    [LoggerMessage(EventId = EventIds.LaunchFailed, Level = LogLevel.Warning, Message = "Session {SessionId} failed to launch: {Reason}")]
    private partial void LogLaunchFailed(SessionId sessionId, string reason);

    [LoggerMessage(EventId = EventIds.LateStartKilled, Level = LogLevel.Information, Message = "Session {SessionId} was killed while its lane started; stopped the lane")]
    private partial void LogLateStartKilled(SessionId sessionId);

    [LoggerMessage(EventId = EventIds.LaunchAttachFailed, Level = LogLevel.Warning, Message = "Session {SessionId}: attaching to its new lane failed: {Reason}")]
    private partial void LogLaunchAttachFailed(SessionId sessionId, string reason);

    [LoggerMessage(EventId = EventIds.KillRequested, Level = LogLevel.Information, Message = "Session {SessionId}: kill requested ({Signal})")]
    private partial void LogKillRequested(SessionId sessionId, string signal);

    [LoggerMessage(EventId = EventIds.TransitionConflict, Level = LogLevel.Information, Message = "Session {SessionId}: {Trigger} lost a compare-and-set race")]
    private partial void LogConflict(SessionId sessionId, SessionTrigger trigger);
}
