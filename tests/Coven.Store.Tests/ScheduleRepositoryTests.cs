using Coven.Core.Api;

namespace Coven.Store.Tests;

public sealed class ScheduleRepositoryTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void AddListRecordRemove_RoundTrip()
    {
        var now = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        _f.Store.Schedules.Add(new RitualSchedule
        {
            Id = "sch-1",
            Ritual = "archive",
            Every = "1h",
            Selector = new RitualSelectorDto { Statuses = ["finished", "failed"], OlderThan = "7d" },
            CreatedAt = now,
            NextRunAt = now.AddHours(1),
        });

        var listed = Assert.Single(_f.Store.Schedules.List());
        Assert.Equal("archive", listed.Ritual);
        Assert.Equal(["finished", "failed"], listed.Selector.Statuses);
        Assert.Equal("7d", listed.Selector.OlderThan);
        Assert.Equal(now.AddHours(1), listed.NextRunAt);

        _f.Store.Schedules.RecordRun("sch-1", now.AddHours(1), now.AddHours(2));
        Assert.Equal(now.AddHours(1), _f.Store.Schedules.Get("sch-1")!.LastRunAt);

        Assert.True(_f.Store.Schedules.Remove("sch-1"));
        Assert.False(_f.Store.Schedules.Remove("sch-1"));
        Assert.Empty(_f.Store.Schedules.List());
    }

    [Fact]
    public void Add_UnknownRitual_IsRefusedBySchema()
    {
        Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() => _f.Store.Schedules.Add(new RitualSchedule
        {
            Id = "x",
            Ritual = "drop-tables",
            Selector = new RitualSelectorDto(),
        }));
    }
}
