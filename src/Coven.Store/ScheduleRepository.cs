using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Dapper;

namespace Coven.Store;

/// <summary>Ritual schedules. Quartz runs them from memory; this table is their durable source.</summary>
public sealed class ScheduleRepository
{
    private readonly CovenStore _store;

    internal ScheduleRepository(CovenStore store) => _store = store;

    public IReadOnlyList<RitualSchedule> List()
    {
        using var connection = _store.Open();
        return connection.Query<ScheduleRow>(
                "SELECT id, ritual, every_text, cron, selector_json, enabled, created_at, last_run_at, next_run_at FROM ritual_schedules ORDER BY created_at, id;")
            .Select(r => r.ToSchedule())
            .ToList();
    }

    public RitualSchedule? Get(string id) => List().FirstOrDefault(s => s.Id == id);

    public RitualSchedule Add(RitualSchedule schedule)
    {
        using var connection = _store.Open();
        connection.Execute(
            """
            INSERT INTO ritual_schedules (id, ritual, every_text, cron, selector_json, enabled, created_at, next_run_at)
            VALUES (@Id, @Ritual, @Every, @Cron, @Selector, @Enabled, @CreatedAt, @NextRunAt);
            """,
            new
            {
                schedule.Id,
                schedule.Ritual,
                schedule.Every,
                schedule.Cron,
                Selector = JsonSerializer.Serialize(schedule.Selector, CovenJsonContext.Default.RitualSelectorDto),
                Enabled = schedule.Enabled ? 1 : 0,
                CreatedAt = Timestamps.Of(schedule.CreatedAt),
                NextRunAt = schedule.NextRunAt is { } n ? Timestamps.Of(n) : null,
            });
        return Get(schedule.Id)!;
    }

    public bool Remove(string id)
    {
        using var connection = _store.Open();
        return connection.Execute("DELETE FROM ritual_schedules WHERE id = @id;", new { id }) > 0;
    }

    public void RecordRun(string id, DateTimeOffset ranAt, DateTimeOffset? nextRunAt)
    {
        using var connection = _store.Open();
        connection.Execute(
            "UPDATE ritual_schedules SET last_run_at = @ran, next_run_at = @next WHERE id = @id;",
            new { id, ran = Timestamps.Of(ranAt), next = nextRunAt is { } n ? Timestamps.Of(n) : null });
    }

    internal sealed class ScheduleRow
    {
        public string Id { get; set; } = string.Empty;
        public string Ritual { get; set; } = string.Empty;
        public string? EveryText { get; set; }
        public string? Cron { get; set; }
        public string SelectorJson { get; set; } = "{}";
        public long Enabled { get; set; }
        public string CreatedAt { get; set; } = string.Empty;
        public string? LastRunAt { get; set; }
        public string? NextRunAt { get; set; }

        public RitualSchedule ToSchedule() => new()
        {
            Id = Id,
            Ritual = Ritual,
            Every = EveryText,
            Cron = Cron,
            Selector = JsonSerializer.Deserialize(SelectorJson, CovenJsonContext.Default.RitualSelectorDto) ?? new RitualSelectorDto(),
            Enabled = Enabled != 0,
            CreatedAt = Timestamps.Parse(CreatedAt),
            LastRunAt = LastRunAt is null ? null : Timestamps.Parse(LastRunAt),
            NextRunAt = NextRunAt is null ? null : Timestamps.Parse(NextRunAt),
        };
    }
}
