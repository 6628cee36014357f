namespace Coven.Core.Api;

public sealed record RitualSelectorDto
{
    public IReadOnlyList<string>? Statuses { get; init; }

    /// <summary>A duration such as "7d", "12h", "30m".</summary>
    public string? OlderThan { get; init; }

    public string? Harness { get; init; }
    public string? ProjectRoot { get; init; }

    /// <summary>Additive, prune-worktrees only: also remove dirty worktrees and delete unmerged branches.</summary>
    public bool? Force { get; init; }
}

public sealed record RitualScheduleDto
{
    public required string Id { get; init; }
    public required string Ritual { get; init; }
    public string? Every { get; init; }
    public string? Cron { get; init; }
    public required RitualSelectorDto Selector { get; init; }
    public bool Enabled { get; init; } = true;
    public string? LastRunAt { get; init; }
    public string? NextRunAt { get; init; }
}

public sealed record RitualScheduleRequest
{
    public string? Ritual { get; init; }
    public string? Every { get; init; }
    public string? Cron { get; init; }
    public RitualSelectorDto? Selector { get; init; }
    public bool? Enabled { get; init; }
}

public sealed record RitualSchedulesResponse(IReadOnlyList<RitualScheduleDto> Schedules);

public sealed record RitualRunResponse(IReadOnlyList<string> Affected);
