namespace Coven.Core;

/// <summary>Why a session ended.</summary>
public enum EndReason
{
    Exited,
    Signaled,
    Killed,
    SpawnFailed,
    LaunchLost,
    LaneLost,
}
