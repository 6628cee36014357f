using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Rituals;
using Coven.Store;

namespace Coven.Daemon.Tests.Unit;

/// <summary>Which sessions a ritual picks (<see cref="RitualService.SelectCandidates"/>), on a real store at points in fake time.</summary>
public sealed class RitualSelectionTests : IAsyncLifetime
{
    private readonly SupervisionKit _kit = new();
    private SessionId _finishedOld;
    private SessionId _failedOld;
    private SessionId _orphanedOld;
    private SessionId _archivedOld;
    private SessionId _live;
    private SessionId _pending;
    private SessionId _finishedRecent;
    private SessionId _otherRoot;

    private string OtherRoot => _kit.Dir.Combine("other");

    public Task InitializeAsync()
    {
        _finishedOld = Ended(SessionStatus.Finished);
        _failedOld = Ended(SessionStatus.Failed);
        _orphanedOld = Ended(SessionStatus.Orphaned);
        _archivedOld = Ended(SessionStatus.Archived);
        _live = Ended(SessionStatus.Live);
        _pending = Ended(SessionStatus.Pending);
        _kit.Time.Advance(TimeSpan.FromDays(8));
        _finishedRecent = Ended(SessionStatus.Finished);
        _otherRoot = Ended(SessionStatus.Finished, OtherRoot, "mine");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _kit.DisposeAsync();

    [Fact]
    public void Archive_ByDefault_PicksEndedSessions()
    {
        Assert.Equal(
            Ids(_finishedOld, _failedOld, _orphanedOld, _finishedRecent, _otherRoot),
            Picked(RitualKinds.Archive, new RitualSelectorDto()));
    }

    [Fact]
    public void SummonAndSacrifice_ByDefault_PickArchivedSessions()
    {
        Assert.Equal(Ids(_archivedOld), Picked(RitualKinds.Summon, new RitualSelectorDto()));
        Assert.Equal(Ids(_archivedOld), Picked(RitualKinds.Sacrifice, new RitualSelectorDto()));
    }

    [Fact]
    public void OlderThan_IsMeasuredFromNow()
    {
        Assert.Equal(Ids(_finishedOld, _failedOld, _orphanedOld), Picked(RitualKinds.Archive, new RitualSelectorDto { OlderThan = "7d" }));

        // Strictly older: a session changed exactly 7 days ago is not picked yet.
        _kit.Time.Advance(TimeSpan.FromDays(7));
        Assert.Equal(Ids(_finishedOld, _failedOld, _orphanedOld), Picked(RitualKinds.Archive, new RitualSelectorDto { OlderThan = "7d" }));

        _kit.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(
            Ids(_finishedOld, _failedOld, _orphanedOld, _finishedRecent, _otherRoot),
            Picked(RitualKinds.Archive, new RitualSelectorDto { OlderThan = "7d" }));
    }

    [Fact]
    public void NamedStatuses_NeverIncludeLiveOrPending()
    {
        var picked = Picked(RitualKinds.Archive, new RitualSelectorDto { Statuses = ["finished", "live", "pending"] });
        Assert.Equal(Ids(_finishedOld, _finishedRecent, _otherRoot), picked);
        Assert.DoesNotContain(_live.Value, picked);
        Assert.DoesNotContain(_pending.Value, picked);
    }

    [Fact]
    public void HarnessAndProjectRoot_Narrow()
    {
        Assert.Equal(Ids(_otherRoot), Picked(RitualKinds.Archive, new RitualSelectorDto { ProjectRoot = OtherRoot }));
        Assert.Equal(Ids(_otherRoot), Picked(RitualKinds.Archive, new RitualSelectorDto { Harness = "mine" }));
        Assert.Empty(Picked(RitualKinds.Archive, new RitualSelectorDto { Harness = "mine", OlderThan = "7d" }));
    }

    private static List<string> Ids(params SessionId[] ids) => [.. ids.Select(i => i.Value).Order(StringComparer.Ordinal)];

    private List<string> Picked(string ritual, RitualSelectorDto selector) =>
        [.. RitualService.SelectCandidates(_kit.Store, ritual, selector, _kit.Time.GetUtcNow()).Select(s => s.Id.Value).Order(StringComparer.Ordinal)];

    private SessionId Ended(SessionStatus status, string? root = null, string harness = "codex")
    {
        var now = _kit.Time.GetUtcNow();
        var id = SessionId.New();
        var sessions = _kit.Store.Sessions;
        sessions.Create(
            new SessionRecord { Id = id, ProjectRoot = root ?? _kit.Dir.Path, Cwd = root ?? _kit.Dir.Path, Harness = harness, Title = "t", Status = SessionStatus.Pending, CreatedAt = now, UpdatedAt = now },
            new LaunchSpec { Executable = "/bin/true", Arguments = [], WorkingDirectory = _kit.Dir.Path });
        switch (status)
        {
            case SessionStatus.Pending:
                break;
            case SessionStatus.Failed:
                Fire(id, SessionTrigger.SpawnFailed, new TransitionChanges { EndReason = EndReason.SpawnFailed });
                break;
            default:
                Fire(id, SessionTrigger.Started, new TransitionChanges());
                if (status == SessionStatus.Orphaned)
                {
                    Fire(id, SessionTrigger.Orphan, new TransitionChanges { EndReason = EndReason.LaneLost });
                }
                else if (status is SessionStatus.Finished or SessionStatus.Archived)
                {
                    Fire(id, SessionTrigger.Exited, new TransitionChanges { Exit = new ExitStatus(0, null), EndReason = EndReason.Exited });
                    if (status == SessionStatus.Archived)
                    {
                        Fire(id, SessionTrigger.Archive, new TransitionChanges());
                    }
                }

                break;
        }

        Assert.Equal(status, _kit.StatusOf(id));
        return id;
    }

    private void Fire(SessionId id, SessionTrigger trigger, TransitionChanges changes) =>
        Assert.True(_kit.Store.Sessions.TryTransition(id, trigger, changes).Applied, $"{trigger} was refused");
}
