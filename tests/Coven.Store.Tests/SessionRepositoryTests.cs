using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Store.Tests;

public sealed class SessionRepositoryTests : IDisposable
{
    private readonly StoreFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Create_RoundTripsAllFieldsAndWritesLaunchLifecycleEvent()
    {
        var s = _f.CreateSession("claude", "/tmp/root", "my title");

        var back = _f.Store.Sessions.Get(s.Id)!;
        Assert.Equal(SessionStatus.Pending, back.Status);
        Assert.Equal("claude", back.Harness);
        Assert.Equal("/tmp/root", back.ProjectRoot);
        Assert.Equal("my title", back.Title);
        Assert.Equal("fix tests", back.Prompt);
        var events = _f.Store.Events.Page(s.Id, 0, 10);
        var lifecycle = Assert.Single(events);
        Assert.Equal("lifecycle", lifecycle.Kind);
        Assert.Equal("""{"from":null,"to":"pending","trigger":"Launch","reason":null}""", lifecycle.PayloadJson);
    }

    [Fact]
    public void GetLaunchSpec_RoundTripsThroughTheFile()
    {
        var s = _f.CreateSession();

        var spec = _f.Store.Sessions.GetLaunchSpec(s.Id)!;

        Assert.Equal("/usr/bin/codex", spec.Executable);
        Assert.Equal(["--", "fix tests"], spec.Arguments);
        Assert.Equal("xterm-256color", spec.Environment["TERM"]);
        Assert.Contains("TMUX", spec.UnsetEnvironment);
    }

    [Fact]
    public void RecordProcesses_PersistsPidsWithStartTimes()
    {
        var s = _f.CreateSession();

        _f.Store.Sessions.RecordProcesses(s.Id, new ProcessIdentity(100, 12345), new ProcessIdentity(101, 12346));

        var back = _f.Store.Sessions.Get(s.Id)!;
        Assert.Equal(new ProcessIdentity(100, 12345), back.Lane);
        Assert.Equal(new ProcessIdentity(101, 12346), back.HarnessProcess);
    }

    [Fact]
    public void TryTransition_Exited_PersistsExitAndAppendsLifecycleEventInSameTransaction()
    {
        var s = _f.CreateIn(SessionStatus.Live);

        var r = _f.Store.Sessions.TryTransition(s.Id, SessionTrigger.Exited, new TransitionChanges
        {
            Exit = ExitStatus.FromSignal(15),
            EndReason = EndReason.Signaled,
            Reason = "harness exited",
        });

        Assert.Equal(TransitionOutcome.Applied, r.Outcome);
        var back = _f.Store.Sessions.Get(s.Id)!;
        Assert.Equal(SessionStatus.Failed, back.Status);
        Assert.Equal(ExitStatus.FromSignal(15), back.Exit);
        Assert.Equal(EndReason.Signaled, back.EndReason);
        var last = _f.Store.Events.Latest(s.Id, "lifecycle")!;
        var payload = JsonSerializer.Deserialize(last.PayloadJson, CovenJsonContext.Default.LifecyclePayload)!;
        Assert.Equal(new LifecyclePayload("live", "failed", "Exited", "harness exited"), payload);
    }

    [Fact]
    public void TryTransition_ArchiveThenSummon_RestoresRememberedStatusAcrossReopen()
    {
        var s = _f.CreateIn(SessionStatus.Orphaned);
        Assert.True(_f.Store.Sessions.TryTransition(s.Id, SessionTrigger.Archive).Applied);

        // A fresh store over the same file: the remembered status is durable, not in memory.
        using var reopened = new CovenStore(_f.DatabasePath);
        var archived = reopened.Sessions.Get(s.Id)!;
        Assert.Equal(SessionStatus.Archived, archived.Status);
        Assert.Equal(SessionStatus.Orphaned, archived.ArchivedFrom);

        var r = reopened.Sessions.TryTransition(s.Id, SessionTrigger.Summon);

        Assert.True(r.Applied);
        Assert.Equal(SessionStatus.Orphaned, r.Session!.Status);
        Assert.Null(r.Session.ArchivedFrom);
    }

    [Fact]
    public void TryTransition_RejectedPair_ChangesNothingAndReportsAllowedActions()
    {
        var s = _f.CreateIn(SessionStatus.Live);
        var eventsBefore = _f.Store.Events.Count(s.Id);

        var r = _f.Store.Sessions.TryTransition(s.Id, SessionTrigger.Archive);

        Assert.Equal(TransitionOutcome.Rejected, r.Outcome);
        Assert.Equal(SessionStatus.Live, r.Decision!.From);
        Assert.Contains(SessionActions.Kill, r.Decision.AllowedActions);
        Assert.Equal(SessionStatus.Live, _f.Store.Sessions.Get(s.Id)!.Status);
        Assert.Equal(eventsBefore, _f.Store.Events.Count(s.Id));
    }

    [Fact]
    public void TryTransition_UnknownSession_IsNotFound()
    {
        Assert.Equal(TransitionOutcome.NotFound, _f.Store.Sessions.TryTransition(SessionId.New(), SessionTrigger.Kill).Outcome);
    }

    [Fact]
    public void TryTransition_LostCompareAndSet_ReportsConflictAndNeverOverwrites()
    {
        var s = _f.CreateIn(SessionStatus.Live);

        // Deterministic interleaving: this writer reads the row (live), another writer then orphans it, and only
        // then does this writer try to persist its decision with a compare-and-set on 'live'.
        using var other = new CovenStore(_f.DatabasePath);
        var first = _f.Store.Sessions.Get(s.Id)!;
        Assert.True(other.Sessions.TryTransition(s.Id, SessionTrigger.Orphan).Applied);

        var stale = _f.Store.Sessions.TryTransitionFrom(first, SessionTrigger.Exited, new TransitionChanges { Exit = ExitStatus.FromCode(0) });

        Assert.Equal(TransitionOutcome.Conflict, stale.Outcome);
        Assert.Equal(SessionStatus.Orphaned, stale.Session!.Status);
        Assert.Equal(SessionStatus.Orphaned, _f.Store.Sessions.Get(s.Id)!.Status);
        Assert.Null(_f.Store.Sessions.Get(s.Id)!.Exit);
    }

    [Fact]
    public void TryTransition_ConcurrentArchives_ExactlyOneWins()
    {
        var s = _f.CreateIn(SessionStatus.Finished);
        using var start = new Barrier(8);

        var outcomes = Enumerable.Range(0, 8).AsParallel().WithDegreeOfParallelism(8).Select(_ =>
        {
            start.SignalAndWait();
            return _f.Store.Sessions.TryTransition(s.Id, SessionTrigger.Archive).Outcome;
        }).ToList();

        Assert.Equal(1, outcomes.Count(o => o == TransitionOutcome.Applied));
        Assert.All(outcomes.Where(o => o != TransitionOutcome.Applied), o => Assert.True(o is TransitionOutcome.Rejected or TransitionOutcome.Conflict));
        Assert.Equal(1, _f.Store.Events.Page(s.Id, 0, 100, "lifecycle").Count(e => e.PayloadJson.Contains("\"Archive\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Sacrifice_DeletesRowAndAllEventsAtomically()
    {
        var s = _f.CreateIn(SessionStatus.Failed);
        _f.Store.Events.AppendBatch(s.Id, Enumerable.Range(0, 50).Select(i => new NewEvent("output", $$"""{"data":"{{i}}"}""")).ToList());
        var keep = _f.CreateIn(SessionStatus.Failed);
        var expected = _f.Store.Events.Count(s.Id);

        var r = _f.Store.Sessions.TryTransition(s.Id, SessionTrigger.Sacrifice);

        Assert.True(r.Applied);
        Assert.Equal(expected, r.EventsDeleted);
        Assert.Null(_f.Store.Sessions.Get(s.Id));
        Assert.Equal(0, _f.Store.Events.Count(s.Id));
        Assert.NotNull(_f.Store.Sessions.Get(keep.Id));
        Assert.True(_f.Store.Events.Count(keep.Id) > 0);
    }

    [Fact]
    public void Sacrifice_LiveSession_IsRejectedAndKeepsEverything()
    {
        var s = _f.CreateIn(SessionStatus.Live);

        Assert.Equal(TransitionOutcome.Rejected, _f.Store.Sessions.TryTransition(s.Id, SessionTrigger.Sacrifice).Outcome);
        Assert.NotNull(_f.Store.Sessions.Get(s.Id));
    }

    [Fact]
    public void List_FiltersAndHidesArchivedUnlessAsked()
    {
        var live = _f.CreateIn(SessionStatus.Live, "codex", "/a");
        var finished = _f.CreateIn(SessionStatus.Finished, "claude", "/b");
        var archived = _f.CreateIn(SessionStatus.Archived, "codex", "/a");

        Assert.Equal([finished.Id, live.Id], _f.Store.Sessions.List(new SessionQuery()).Sessions.Select(s => s.Id));
        Assert.Equal([archived.Id, finished.Id, live.Id], _f.Store.Sessions.List(new SessionQuery { IncludeArchived = true }).Sessions.Select(s => s.Id));
        Assert.Equal([finished.Id], _f.Store.Sessions.List(new SessionQuery { Harness = "claude" }).Sessions.Select(s => s.Id));
        Assert.Equal([live.Id], _f.Store.Sessions.List(new SessionQuery { ProjectRoot = "/a" }).Sessions.Select(s => s.Id));
        Assert.Equal([archived.Id], _f.Store.Sessions.List(new SessionQuery { Statuses = [SessionStatus.Archived] }).Sessions.Select(s => s.Id));
        Assert.Equal([live.Id], _f.Store.Sessions.List(new SessionQuery { IdPrefix = live.Id.Value[..30] }).Sessions.Select(s => s.Id));
    }

    [Fact]
    public void List_CursorPaging_VisitsEverySessionOnceNewestFirst()
    {
        var created = Enumerable.Range(0, 23).Select(_ => _f.CreateSession().Id).ToList();
        var seen = new List<SessionId>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = _f.Store.Sessions.List(new SessionQuery { Limit = 5, Cursor = cursor });
            seen.AddRange(page.Sessions.Select(s => s.Id));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(5, pages);
        Assert.Equal(created.AsEnumerable().Reverse(), seen);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("czpub3RhbmlkCg")]
    [InlineData("' OR 1=1 --")]
    public void IsValidCursor_ForeignCursor_IsInvalid(string cursor) => Assert.False(SessionRepository.IsValidCursor(cursor));
}
