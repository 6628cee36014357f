namespace Coven.Core;

/// <summary>Lifecycle states of a session; wire strings via <see cref="WireNames"/>.</summary>
public enum SessionStatus
{
    Pending,
    Live,
    Finished,
    Failed,
    Orphaned,
    Archived,
}
