namespace Coven.Core;

/// <summary>The exact strings the API and the store use for enums (see docs/api.md and docs/session-lifecycle.md).</summary>
public static class WireNames
{
    public static string Of(SessionStatus status) => status switch
    {
        SessionStatus.Pending => "pending",
        SessionStatus.Live => "live",
        SessionStatus.Finished => "finished",
        SessionStatus.Failed => "failed",
        SessionStatus.Orphaned => "orphaned",
        SessionStatus.Archived => "archived",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public static string Of(EndReason reason) => reason switch
    {
        EndReason.Exited => "exited",
        EndReason.Signaled => "signaled",
        EndReason.Killed => "killed",
        EndReason.SpawnFailed => "spawn_failed",
        EndReason.LaunchLost => "launch_lost",
        EndReason.LaneLost => "lane_lost",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };

    public static string Of(SessionTrigger trigger) => trigger.ToString();

    public static bool TryParseStatus(string? text, out SessionStatus status)
    {
        foreach (var s in Enum.GetValues<SessionStatus>())
        {
            if (Of(s) == text)
            {
                status = s;
                return true;
            }
        }

        status = default;
        return false;
    }

    public static bool TryParseEndReason(string? text, out EndReason reason)
    {
        foreach (var r in Enum.GetValues<EndReason>())
        {
            if (Of(r) == text)
            {
                reason = r;
                return true;
            }
        }

        reason = default;
        return false;
    }
}
