using Coven.Core;
using Coven.Daemon.Hosting;
using Coven.Daemon.Sessions;
using Coven.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coven.Daemon.Tests.Unit;

/// <summary>The spill file of deferred events (issue 12 item 5) on a real temp COVEN_HOME.</summary>
public sealed class EventSpillTests : IDisposable
{
    private readonly TempDir _dir = new();
    private int _events;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Records_AreAppendedPrivately_AndReadBackInOrder()
    {
        var spill = New();
        var a = Event("""{"data":"one\r"}""");
        var b = Event("""{"dataBase64":"G1tB"}""");

        Assert.True(spill.TryAppend(a));
        Assert.True(spill.TryAppend(b));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(spill.FilePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(spill.FilePath)!));
        Assert.Equal(2, File.ReadAllLines(spill.FilePath).Length);
        Assert.Equal([a, b], New().Load());

        spill.Remove();
        Assert.False(File.Exists(spill.FilePath));
        Assert.Empty(New().Load());
    }

    [Fact]
    public void ARecordTornByACrash_IsSkipped_AndTheNextRecordStartsOnItsOwnLine()
    {
        var spill = New();
        var a = Event("""{"data":"kept\r"}""");
        var torn = Event("""{"data":"never answered\r"}""");
        Assert.True(spill.TryAppend(a));
        Assert.True(spill.TryAppend(torn));

        // What a covend killed part-way through writing the second record leaves: half of its line, no newline.
        var bytes = File.ReadAllBytes(spill.FilePath);
        var cut = EventSpill.Serialize(a).Length + 25;
        File.WriteAllBytes(spill.FilePath, bytes[..cut]);

        var restarted = New();
        Assert.Equal([a], restarted.Load());
        var c = Event("""{"data":"after the restart\r"}""");
        Assert.True(restarted.TryAppend(c));
        Assert.Equal([a, c], New().Load());
    }

    private EventSpill New() => new(new DaemonOptions { Paths = new CovenPaths(_dir.Path), LanePath = "/nonexistent/coven-lane" }, NullLogger<EventSpill>.Instance);

    // Whole microseconds apart: the spill keeps the store's timestamp precision.
    private DeferredEvent Event(string payload) =>
        new(SessionId.New(), Guid.CreateVersion7().ToString("D"), "input", payload, new DateTimeOffset(2026, 12, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(++_events * 1230));
}
