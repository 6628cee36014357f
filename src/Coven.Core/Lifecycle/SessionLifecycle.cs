using Stateless;
using Stateless.Graph;
using Stateless.Reflection;

namespace Coven.Core;

/// <summary>
/// The session lifecycle (docs/session-lifecycle.md) as a Stateless machine over externally stored state. A fresh machine is
/// built per operation over the status just read from the store; the store then persists the decision with a
/// compare-and-set. The allowed actions of any state are read from this machine, never from a second table.
/// </summary>
public static class SessionLifecycle
{
    /// <summary>Decides whether <paramref name="trigger"/> may fire in <paramref name="current"/>.</summary>
    /// <param name="current">The session's status now.</param>
    /// <param name="trigger">What is asked to happen.</param>
    /// <param name="archivedFrom">For an archived session, the status Summon restores.</param>
    /// <param name="exit">For <see cref="SessionTrigger.Exited"/>: how the harness ended.</param>
    /// <param name="killed">For <see cref="SessionTrigger.Exited"/>: the end was caused by a kill request, so the session
    /// fails whatever the exit status (a harness that traps TERM and exits 0 was still killed).</param>
    public static TransitionDecision Decide(SessionStatus current, SessionTrigger trigger, SessionStatus? archivedFrom = null, ExitStatus? exit = null, bool killed = false)
    {
        var state = current;
        var machine = Build(() => state, s => state = s, archivedFrom, killed, out var exited);
        var rejected = false;
        machine.OnUnhandledTrigger((_, _) => rejected = true);

        if (trigger == SessionTrigger.Exited)
        {
            machine.Fire(exited, exit ?? new ExitStatus(null, null));
        }
        else if (trigger == SessionTrigger.Summon && archivedFrom is null && current == SessionStatus.Archived)
        {
            // An archived row without its previous status is corrupt; refuse rather than guess.
            rejected = true;
        }
        else
        {
            machine.Fire(trigger);
        }

        return new TransitionDecision
        {
            Permitted = !rejected,
            From = current,
            To = rejected ? current : state,
            Trigger = trigger,
            AllowedActions = AllowedActions(current),
        };
    }

    // Building a machine and walking its info per session record dominated list requests; the answer depends on the status only.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<SessionStatus, IReadOnlyList<string>> s_allowedActions = new();

    /// <summary>The user-facing actions whose triggers the machine permits in <paramref name="status"/>.</summary>
    public static IReadOnlyList<string> AllowedActions(SessionStatus status) => s_allowedActions.GetOrAdd(status, ComputeAllowedActions);

    private static IReadOnlyList<string> ComputeAllowedActions(SessionStatus status)
    {
        var state = status;
        var machine = Build(() => state, s => state = s, SessionStatus.Finished, false, out _);
        var permitted = machine.GetInfo().States.First(s => (SessionStatus)s.UnderlyingState == status);
        var triggers = permitted.Transitions.Select(t => (SessionTrigger)t.Trigger.UnderlyingTrigger)
            .Concat(permitted.FixedTransitions.Select(t => (SessionTrigger)t.Trigger.UnderlyingTrigger))
            .Concat(permitted.DynamicTransitions.Select(t => (SessionTrigger)t.Trigger.UnderlyingTrigger))
            .Distinct()
            .Order();
        var actions = new List<string>();
        foreach (var trigger in triggers)
        {
            if (SessionActions.ForTrigger(trigger) is { } action)
            {
                actions.Add(action);
            }
        }

        return actions.AsReadOnly();
    }

    /// <summary>The machine rendered as a Mermaid state diagram (docs/session-lifecycle.md embeds it).</summary>
    public static string MermaidDiagram()
    {
        var state = SessionStatus.Pending;
        var machine = Build(() => state, s => state = s, null, false, out _);
        return MermaidGraph.Format(machine.GetInfo());
    }

    private static StateMachine<SessionStatus, SessionTrigger> Build(
        Func<SessionStatus> read,
        Action<SessionStatus> write,
        SessionStatus? archivedFrom,
        bool killed,
        out StateMachine<SessionStatus, SessionTrigger>.TriggerWithParameters<ExitStatus> exited)
    {
        var machine = new StateMachine<SessionStatus, SessionTrigger>(read, write, FiringMode.Immediate);
        exited = machine.SetTriggerParameters<ExitStatus>(SessionTrigger.Exited);

        machine.Configure(SessionStatus.Pending)
            .Permit(SessionTrigger.Started, SessionStatus.Live)
            .Permit(SessionTrigger.SpawnFailed, SessionStatus.Failed)
            .Permit(SessionTrigger.LaunchLost, SessionStatus.Failed)
            .Permit(SessionTrigger.Kill, SessionStatus.Failed);

        machine.Configure(SessionStatus.Live)
            .InternalTransition(SessionTrigger.Input, static _ => { })
            .InternalTransition(SessionTrigger.Resize, static _ => { })
            .InternalTransition(SessionTrigger.Kill, static _ => { })
            .PermitDynamic(
                exited,
                exit => exit.IsSuccess && !killed ? SessionStatus.Finished : SessionStatus.Failed,
                "exit status",
                new DynamicStateInfos { { SessionStatus.Finished, "code 0, no signal, not killed" }, { SessionStatus.Failed, "otherwise" } })
            .Permit(SessionTrigger.Orphan, SessionStatus.Orphaned);

        foreach (var ended in (SessionStatus[])[SessionStatus.Finished, SessionStatus.Failed, SessionStatus.Orphaned])
        {
            machine.Configure(ended)
                .Permit(SessionTrigger.Archive, SessionStatus.Archived)
                .InternalTransition(SessionTrigger.Sacrifice, static _ => { });
        }

        // Sacrifice deletes the row; in the machine it is an internal transition that the store turns into a delete.
        machine.Configure(SessionStatus.Archived)
            .PermitDynamic(
                SessionTrigger.Summon,
                () => archivedFrom ?? SessionStatus.Archived,
                "archived_from",
                new DynamicStateInfos
                {
                    { SessionStatus.Finished, "was finished" },
                    { SessionStatus.Failed, "was failed" },
                    { SessionStatus.Orphaned, "was orphaned" },
                })
            .InternalTransition(SessionTrigger.Sacrifice, static _ => { });

        return machine;
    }
}
