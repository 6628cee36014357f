using Coven.Core;

namespace Coven.Store;

/// <summary>Filters for listing sessions. Newest first; archived sessions only when asked.</summary>
public sealed record SessionQuery
{
    public IReadOnlyList<SessionStatus>? Statuses { get; init; }
    public string? Harness { get; init; }
    public string? ProjectRoot { get; init; }
    public bool IncludeArchived { get; init; }

    /// <summary>Only sessions whose id starts with this (the CLI's unique-prefix lookup).</summary>
    public string? IdPrefix { get; init; }

    /// <summary>
    /// Only sessions this reference names: the start of the id, the end of the id (a short id), or the exact title.
    /// The id parts are matched lowercase; a reference that is not hex and '-' matches titles only.
    /// </summary>
    public string? Ref { get; init; }

    /// <summary>Only sessions last updated before this time (rituals' "older than").</summary>
    public DateTimeOffset? UpdatedBefore { get; init; }

    public int Limit { get; init; } = 100;

    /// <summary>Opaque cursor from a previous page.</summary>
    public string? Cursor { get; init; }
}
