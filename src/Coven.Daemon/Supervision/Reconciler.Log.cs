using Coven.Core;
using Coven.Daemon.Logging;

namespace Coven.Daemon.Supervision;

internal sealed partial class Reconciler
{
    [LoggerMessage(EventId = EventIds.ReconcileDone, Level = LogLevel.Information, Message = "Reconciling {Live} live sessions")]
    private partial void LogReconciling(int live);

    [LoggerMessage(EventId = EventIds.ReconcileDone, Level = LogLevel.Information, Message = "Reconciled {Live} live and {Pending} pending sessions; {Monitors} lanes attached")]
    private partial void LogReconciled(int live, int pending, int monitors);

    [LoggerMessage(EventId = EventIds.MonitorFailed, Level = LogLevel.Warning, Message = "Session {SessionId}: lane {LanePid} is alive but does not answer; retrying at the next sweep")]
    private partial void LogLaneUnreachable(SessionId sessionId, int lanePid);

    [LoggerMessage(EventId = EventIds.LaunchLost, Level = LogLevel.Warning, Message = "Session {SessionId}: launch lost (no lane report)")]
    private partial void LogLaunchLost(SessionId sessionId);
}
