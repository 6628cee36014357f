using Coven.Core.Api;

namespace Coven.Store;

/// <summary>A stored ritual schedule: which ritual, how often, and which sessions it selects.</summary>
public sealed record RitualSchedule
{
    public required string Id { get; init; }

    /// <summary>archive | summon | sacrifice | sweep</summary>
    public required string Ritual { get; init; }

    /// <summary>An interval such as "1h" (see <see cref="Core.Durations"/>).</summary>
    public string? Every { get; init; }

    public string? Cron { get; init; }
    public required RitualSelectorDto Selector { get; init; }
    public bool Enabled { get; init; } = true;
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? LastRunAt { get; init; }
    public DateTimeOffset? NextRunAt { get; init; }
}
