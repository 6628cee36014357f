using Coven.Core;
using Coven.TestSupport;

namespace Coven.Store.Tests;

/// <summary>A migrated store in a real SQLite file under a temp dir.</summary>
public sealed class StoreFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public StoreFixture(TimeProvider? time = null)
    {
        Store = new CovenStore(_dir.Combine("coven.db"), time);
        Store.Migrate();
    }

    public CovenStore Store { get; }
    public string DatabasePath => Store.DatabasePath;

    public SessionRecord CreateSession(string harness = "codex", string root = "/tmp/proj", string? title = null)
    {
        var id = SessionId.New();
        var record = new SessionRecord
        {
            Id = id,
            ProjectRoot = root,
            Cwd = root,
            Harness = harness,
            Title = title ?? "t-" + id.Value[^6..],
            Prompt = "fix tests",
            Status = SessionStatus.Pending,
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
        };
        var spec = new LaunchSpec
        {
            Executable = "/usr/bin/" + harness,
            Arguments = ["--", "fix tests"],
            WorkingDirectory = root,
            Environment = LaunchSpec.DefaultEnvironment,
            UnsetEnvironment = LaunchSpec.DefaultUnset,
        };
        return Store.Sessions.Create(record, spec);
    }

    /// <summary>Drives a session through the machine to <paramref name="status"/>.</summary>
    public SessionRecord CreateIn(SessionStatus status, string harness = "codex", string root = "/tmp/proj")
    {
        var s = CreateSession(harness, root);
        SessionTrigger[] path = status switch
        {
            SessionStatus.Pending => [],
            SessionStatus.Live => [SessionTrigger.Started],
            SessionStatus.Finished => [SessionTrigger.Started, SessionTrigger.Exited],
            SessionStatus.Failed => [SessionTrigger.SpawnFailed],
            SessionStatus.Orphaned => [SessionTrigger.Started, SessionTrigger.Orphan],
            SessionStatus.Archived => [SessionTrigger.Started, SessionTrigger.Exited, SessionTrigger.Archive],
            _ => throw new ArgumentOutOfRangeException(nameof(status)),
        };
        foreach (var t in path)
        {
            var r = Store.Sessions.TryTransition(s.Id, t, new TransitionChanges { Exit = t == SessionTrigger.Exited ? ExitStatus.FromCode(0) : null });
            Assert.True(r.Applied, $"{t}: {r.Outcome}");
        }

        return Store.Sessions.Get(s.Id)!;
    }

    public void Dispose()
    {
        Store.Dispose();
        _dir.Dispose();
    }
}
