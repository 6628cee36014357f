using Coven.Core;
using Coven.Daemon.Hosting;
using Coven.Daemon.Sessions;
using Coven.Daemon.Supervision;
using Coven.Store;
using Coven.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Coven.Daemon.Tests.Unit;

/// <summary>
/// The daemon's session and supervision types in-process, wired as DaemonHost wires them, on a temp COVEN_HOME with
/// a real SQLite store. Time is a <see cref="FakeTimeProvider"/> the test advances; no daemon, no Kestrel, no Quartz.
/// </summary>
internal sealed class SupervisionKit : IAsyncDisposable
{
    private readonly List<ScriptedLane> _lanes = [];
    private readonly List<SpareProcess> _processes = [];

    public SupervisionKit(TimeSpan? pendingTimeout = null)
    {
        Dir = new TempDir();
        Paths = new CovenPaths(Dir.Path);
        Directory.CreateDirectory(Paths.LanesDir);
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        Store = new CovenStore(Paths.Database, Time);
        Store.Migrate();
        Options = new DaemonOptions
        {
            Paths = Paths,
            LanePath = "/nonexistent/coven-lane",
            PendingTimeout = pendingTimeout ?? TimeSpan.FromSeconds(30),
            LaneConnectTimeout = TimeSpan.FromSeconds(10),
        };
        Reaper = new LeftoverReaper(NullLogger<LeftoverReaper>.Instance);
        Monitors = new LaneMonitors(Store, Options, Signals, Locks, Reaper, Time, NullLogger<LaneMonitors>.Instance);
        Reconciler = new Reconciler(Store, Monitors, Signals, Locks, Reaper, NullLogger<Reconciler>.Instance);
        Sweeper = new Sweeper(Store, Options, Monitors, Reconciler, Reaper, Time, NullLogger<Sweeper>.Instance);
    }

    public TempDir Dir { get; }
    public CovenPaths Paths { get; }
    public FakeTimeProvider Time { get; }
    public CovenStore Store { get; }
    public DaemonOptions Options { get; }
    public SessionSignals Signals { get; } = new();
    public SessionLocks Locks { get; } = new();
    public LeftoverReaper Reaper { get; }
    public LaneMonitors Monitors { get; }
    public Reconciler Reconciler { get; }
    public Sweeper Sweeper { get; }

    /// <summary>A pending row, as a launch writes it before the lane starts.</summary>
    public SessionRecord Pending()
    {
        var now = Time.GetUtcNow();
        var id = SessionId.New();
        return Store.Sessions.Create(
            new SessionRecord
            {
                Id = id,
                ProjectRoot = Dir.Path,
                Cwd = Dir.Path,
                Harness = "codex",
                Title = "t",
                Status = SessionStatus.Pending,
                CreatedAt = now,
                UpdatedAt = now,
            },
            new LaunchSpec { Executable = "/bin/true", Arguments = [], WorkingDirectory = Dir.Path });
    }

    /// <summary>A pending row whose lane (and harness) is <paramref name="lane"/>, as the lane records itself.</summary>
    public SessionRecord Pending(ProcessIdentity lane)
    {
        var session = Pending();
        Store.Sessions.RecordProcesses(session.Id, lane, lane);
        return Store.Sessions.Get(session.Id)!;
    }

    /// <summary>A live row; with <paramref name="lane"/>, the recorded lane and harness process.</summary>
    public SessionRecord Live(ProcessIdentity? lane = null)
    {
        var session = lane is { } l ? Pending(l) : Pending();
        var result = Store.Sessions.TryTransition(session.Id, SessionTrigger.Started, new TransitionChanges { Reason = "test" });
        Assert.True(result.Applied);
        return result.Session!;
    }

    /// <summary>An orphaned row (orphaned now, by the fake clock) whose recorded processes are <paramref name="lane"/>.</summary>
    public SessionRecord Orphaned(ProcessIdentity lane)
    {
        var session = Live(lane);
        var result = Store.Sessions.TryTransition(session.Id, SessionTrigger.Orphan, new TransitionChanges { EndReason = EndReason.LaneLost, Reason = "test" });
        Assert.True(result.Applied);
        return result.Session!;
    }

    public SessionStatus StatusOf(SessionId id) => Store.Sessions.Get(id)!.Status;

    /// <summary>A scripted lane listening on the session's lane socket.</summary>
    public ScriptedLane LaneFor(SessionId id, ProcessIdentity? reported = null)
    {
        var lane = new ScriptedLane(Paths.LaneSocket(id), id, reported ?? new ProcessIdentity(4_000_000, 1));
        _lanes.Add(lane);
        return lane;
    }

    /// <summary>A real process in its own process group that the test may let the daemon kill.</summary>
    public SpareProcess Spare()
    {
        var process = SpareProcess.Start();
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        await Monitors.DisposeAsync();
        foreach (var lane in _lanes)
        {
            await lane.DisposeAsync();
        }

        foreach (var process in _processes)
        {
            process.Dispose();
        }

        Store.Dispose();
        Dir.Dispose();
    }
}
