namespace Coven.Core.Tests;

public sealed class SessionLifecycleTests
{
    // The full transition table of docs/session-lifecycle.md: (from, trigger) → to. Anything not listed must be rejected.
    public static readonly TheoryData<SessionStatus, SessionTrigger, SessionStatus> Permitted = new()
    {
        { SessionStatus.Pending, SessionTrigger.Started, SessionStatus.Live },
        { SessionStatus.Pending, SessionTrigger.SpawnFailed, SessionStatus.Failed },
        { SessionStatus.Pending, SessionTrigger.LaunchLost, SessionStatus.Failed },
        { SessionStatus.Pending, SessionTrigger.Kill, SessionStatus.Failed },
        { SessionStatus.Live, SessionTrigger.Input, SessionStatus.Live },
        { SessionStatus.Live, SessionTrigger.Resize, SessionStatus.Live },
        { SessionStatus.Live, SessionTrigger.Kill, SessionStatus.Live },
        { SessionStatus.Live, SessionTrigger.Orphan, SessionStatus.Orphaned },
        { SessionStatus.Finished, SessionTrigger.Archive, SessionStatus.Archived },
        { SessionStatus.Failed, SessionTrigger.Archive, SessionStatus.Archived },
        { SessionStatus.Orphaned, SessionTrigger.Archive, SessionStatus.Archived },
        { SessionStatus.Finished, SessionTrigger.Sacrifice, SessionStatus.Finished },
        { SessionStatus.Failed, SessionTrigger.Sacrifice, SessionStatus.Failed },
        { SessionStatus.Orphaned, SessionTrigger.Sacrifice, SessionStatus.Orphaned },
        { SessionStatus.Archived, SessionTrigger.Sacrifice, SessionStatus.Archived },
    };

    [Theory]
    [MemberData(nameof(Permitted))]
    public void Decide_PermittedPair_ReachesTarget(SessionStatus from, SessionTrigger trigger, SessionStatus to)
    {
        var decision = SessionLifecycle.Decide(from, trigger);

        Assert.True(decision.Permitted);
        Assert.Equal(to, decision.To);
        Assert.Equal(from, decision.From);
    }

    [Fact]
    public void Decide_EveryPairNotInTheTable_IsRejectedWithCurrentStatusAndAllowedActions()
    {
        var permitted = Permitted.Select(row => ((SessionStatus)row[0], (SessionTrigger)row[1])).ToHashSet();
        var rejectedCount = 0;
        foreach (var from in Enum.GetValues<SessionStatus>())
        {
            foreach (var trigger in Enum.GetValues<SessionTrigger>())
            {
                if (permitted.Contains((from, trigger))
                    || (from == SessionStatus.Live && trigger == SessionTrigger.Exited)
                    || (from == SessionStatus.Archived && trigger == SessionTrigger.Summon))
                {
                    continue;
                }

                var decision = SessionLifecycle.Decide(from, trigger, archivedFrom: SessionStatus.Finished, exit: ExitStatus.FromCode(0));
                Assert.False(decision.Permitted, $"{from} + {trigger} must be rejected");
                Assert.Equal(from, decision.To);
                Assert.Equal(SessionLifecycle.AllowedActions(from), decision.AllowedActions);
                rejectedCount++;
            }
        }

        // 6 states × 12 triggers = 72 pairs; 15 table rows + Exited(live) + Summon(archived) are permitted.
        Assert.Equal(72 - 17, rejectedCount);
    }

    [Theory]
    [InlineData(0, null, SessionStatus.Finished)]
    [InlineData(1, null, SessionStatus.Failed)]
    [InlineData(null, 15, SessionStatus.Failed)]
    [InlineData(null, 9, SessionStatus.Failed)]
    public void Decide_ExitedFromLive_FinishedOnlyForCodeZero(int? code, int? signal, SessionStatus expected)
    {
        var decision = SessionLifecycle.Decide(SessionStatus.Live, SessionTrigger.Exited, exit: new ExitStatus(code, signal));

        Assert.True(decision.Permitted);
        Assert.Equal(expected, decision.To);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(null, 15)]
    public void Decide_ExitedAfterAKillRequest_FailsWhateverTheExitStatus(int? code, int? signal)
    {
        var decision = SessionLifecycle.Decide(SessionStatus.Live, SessionTrigger.Exited, exit: new ExitStatus(code, signal), killed: true);

        Assert.True(decision.Permitted);
        Assert.Equal(SessionStatus.Failed, decision.To);
    }

    [Theory]
    [InlineData(SessionStatus.Finished)]
    [InlineData(SessionStatus.Failed)]
    [InlineData(SessionStatus.Orphaned)]
    public void Decide_SummonFromArchived_RestoresRememberedStatus(SessionStatus remembered)
    {
        var decision = SessionLifecycle.Decide(SessionStatus.Archived, SessionTrigger.Summon, archivedFrom: remembered);

        Assert.True(decision.Permitted);
        Assert.Equal(remembered, decision.To);
    }

    [Fact]
    public void Decide_SummonWithoutRememberedStatus_IsRejectedNotGuessed()
    {
        var decision = SessionLifecycle.Decide(SessionStatus.Archived, SessionTrigger.Summon, archivedFrom: null);

        Assert.False(decision.Permitted);
        Assert.Equal(SessionStatus.Archived, decision.To);
    }

    [Theory]
    [InlineData(SessionStatus.Pending, new[] { "session.kill" })]
    [InlineData(SessionStatus.Live, new[] { "session.kill", "session.input", "session.resize" })]
    [InlineData(SessionStatus.Finished, new[] { "session.archive", "session.sacrifice" })]
    [InlineData(SessionStatus.Failed, new[] { "session.archive", "session.sacrifice" })]
    [InlineData(SessionStatus.Orphaned, new[] { "session.archive", "session.sacrifice" })]
    [InlineData(SessionStatus.Archived, new[] { "session.summon", "session.sacrifice" })]
    public void AllowedActions_EachState_MatchesTheTable(SessionStatus status, string[] expected)
    {
        Assert.Equal(expected.Order(StringComparer.Ordinal), SessionLifecycle.AllowedActions(status).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Decide_LiveHasNoRitual_RitualsNeverTouchRunningWork()
    {
        foreach (var ritual in new[] { SessionTrigger.Archive, SessionTrigger.Summon, SessionTrigger.Sacrifice })
        {
            Assert.False(SessionLifecycle.Decide(SessionStatus.Live, ritual).Permitted);
        }
    }
}
