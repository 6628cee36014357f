using Coven.Core;
using Coven.Daemon.Logging;

namespace Coven.Daemon.Supervision;

/// <summary>
/// Kills what is left of an ended session's lane and harness (see <see cref="ProcessReaper"/> for how a group is
/// matched). Used when a launch fails or is killed early, when a session is orphaned, and by the periodic sweep.
/// </summary>
internal sealed partial class LeftoverReaper(ILogger<LeftoverReaper> logger)
{
    /// <summary>SIGKILLs the lane's and the harness's process groups, matched by pid and start time.</summary>
    public void KillLeftovers(SessionRecord session)
    {
        foreach (var identity in new[] { session.HarnessProcess, session.Lane })
        {
            if (identity is { } p && ProcessReaper.KillGroup(p))
            {
                LogLeftoverKilled(session.Id, p.Pid);
            }
        }
    }

    [LoggerMessage(EventId = EventIds.LeftoverKilled, Level = LogLevel.Warning, Message = "Session {SessionId}: killed leftover process group {Pgid}")]
    private partial void LogLeftoverKilled(SessionId sessionId, int pgid);
}
