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
}
