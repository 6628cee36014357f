using Coven.Core;
using Coven.Daemon.Sessions;
using Coven.Store;

namespace Coven.Daemon.Tests;

/// <summary>
/// The daemon's short ids against a real store file: they skip the store while the daemon added or deleted nothing
/// (<see cref="SessionRepository.Membership"/>) and still follow every session the daemon creates or sacrifices.
/// </summary>
public sealed class ShortIdsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cvn-shortids-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SessionId Create(CovenStore store, string id)
    {
        var now = DateTimeOffset.UtcNow;
        var sid = SessionId.Parse(id);
        store.Sessions.Create(
            new SessionRecord { Id = sid, ProjectRoot = "/tmp", Cwd = "/tmp", Harness = "codex", Title = "t", Status = SessionStatus.Pending, CreatedAt = now, UpdatedAt = now },
            new LaunchSpec { Executable = "/bin/true", Arguments = [], WorkingDirectory = "/tmp" });
        return sid;
    }

    [Fact]
    public void ShortIds_FollowCreatesAndSacrifices_AndSkipTheStoreWhileNothingChanged()
    {
        using var store = new CovenStore(Path.Combine(_dir, "coven.db"));
        store.Migrate();
        var shortIds = new ShortIds(store);
        var a = Create(store, "019a0000-0000-7000-8000-00000000a123");
        var b = Create(store, "019a0000-0001-7000-8000-00000000b456");
        Assert.Equal("00a123", shortIds.For([a.Value])[a.Value]);
        Assert.Equal("00b456", shortIds.For([b.Value])[b.Value]);

        // A session whose tail shares 8 characters with a's: both need 9 from the next use on.
        var before = store.Sessions.Membership;
        var c = Create(store, "019a0000-0002-7000-8000-00010000a123");
        Assert.NotEqual(before, store.Sessions.Membership);
        var refs = shortIds.For([a.Value, b.Value, c.Value]);
        Assert.Equal("00000a123", refs[a.Value]);
        Assert.Equal("10000a123", refs[c.Value]);
        Assert.Equal("00b456", refs[b.Value]);

        // Nothing created or deleted by this process: the answer comes from memory. A row written behind the
        // daemon's back (no process does that while a daemon runs) is therefore not seen until the next change.
        using (var other = new CovenStore(Path.Combine(_dir, "coven.db")))
        {
            Create(other, "019a0000-0003-7000-8000-00010000b456");
        }

        Assert.Equal("00b456", shortIds.For([b.Value])[b.Value]);

        // The daemon sacrifices c: a's reference is short again, and the row written behind its back is now counted.
        Assert.Equal(TransitionOutcome.Applied, store.Sessions.TryTransition(c, SessionTrigger.Kill).Outcome);
        Assert.Equal(TransitionOutcome.Applied, store.Sessions.TryTransition(c, SessionTrigger.Sacrifice).Outcome);
        refs = shortIds.For([a.Value, b.Value]);
        Assert.Equal("00a123", refs[a.Value]);
        Assert.Equal("00000b456", refs[b.Value]);
    }
}
