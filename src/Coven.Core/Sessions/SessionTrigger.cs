namespace Coven.Core;

/// <summary>Everything that can happen to a session (see docs/session-lifecycle.md).</summary>
public enum SessionTrigger
{
    Launch,
    Started,
    SpawnFailed,
    LaunchLost,
    Kill,
    Input,
    Resize,
    Exited,
    Orphan,
    Archive,
    Summon,
    Sacrifice,
}
