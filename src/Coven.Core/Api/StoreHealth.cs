namespace Coven.Core.Api;

/// <summary>
/// The store's state in the health answer (docs/api.md): schema version and the result of SQLite's
/// <c>quick_check</c>, run once when the daemon starts (integrity is <c>"pending"</c> until it finishes).
/// </summary>
public sealed record StoreHealth
{
    public bool Ok { get; init; }
    public required string Integrity { get; init; }
    public int SchemaVersion { get; init; }
    public string? CheckedAt { get; init; }

    /// <summary>Additive: "ok", "busy" (a request met the write lock held past its wait) or "full" (no disk space), as last seen by a request in the past 30 s.</summary>
    public string? State { get; init; }

    /// <summary>Additive: SQLite's message behind a "busy" or "full" state.</summary>
    public string? LastError { get; init; }
}

/// <summary>
/// The <c>store</c> event of a session's stream (not a stored event, no <c>id</c>): sent when the store becomes
/// <c>"full"</c> and when it is <c>"ok"</c> (or <c>"busy"</c>) again.
/// </summary>
public sealed record StoreNotice(string State, string? Message);
