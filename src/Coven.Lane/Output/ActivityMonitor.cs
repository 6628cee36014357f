using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coven.Core;
using Coven.Core.Api;
using Coven.Lane.Control;
using Coven.Store;

namespace Coven.Lane.Output;

/// <summary>
/// The fallback activity of any harness (docs/attention.md): output flowing → working; output quiet and the screen
/// matching a waiting pattern → waiting; output quiet for the idle time → idle. The PTY reader only stamps the time
/// of the last read (<see cref="Touch"/>); everything else runs on a timer, off the output path. A change is written
/// to the store (row + <c>activity</c> event) and announced to subscribers like any appended event.
/// <para>
/// The timer stops (parks) once nothing can change before the next output or input: no output yet, idle, waiting, or
/// deferring to the harness's own reports. The next <see cref="Touch"/> or <see cref="InputArrived"/> starts it again.
/// A quiet session then costs no wake-ups: ticking four times a second cost each idle lane ~1.6 ms of CPU and ~42
/// context switches a second (a timer thread and a pool worker woken per tick; tests/bench/lane-idle.sh,
/// docs/benchmarks-cli.md), about 16 % of a core for 100 idle lanes, where tmux's server costs nothing.
/// </para>
/// </summary>
internal sealed class ActivityMonitor : IDisposable
{
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(250);

    // A prompt is looked for once output has paused this long (it is drawn, then the harness waits).
    private const int WaitingQuietMs = 400;

    private readonly CovenStore _store;
    private readonly LaneState _state;
    private readonly NotificationHub _hub;
    private readonly TerminalState _terminal;
    private readonly LaneLog _log;
    private readonly int _idleAfterMs;
    private readonly Regex[] _waiting;
    private readonly bool _nativeWorking;
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;

    // The time of the last read, in _time's timestamp units.
    private long _lastOutput;
    private long _reads;

    // The read count the last fallback decision saw: output since then is a burst even when the tick that sees it
    // comes late (a loaded machine) and the burst is already quiet.
    private long _decidedReads;
    private long _screenCheckedAtRead = -1;
    private bool _screenWaiting;
    private int _ticking;
    private int _parked;
    private long _wakes;
    private int _failures;
    private string _activity = SessionActivity.Unknown;

    // The read count when the last native report arrived (0: none yet); the fallback holds a native activity until
    // output follows it, and stands down entirely when the harness reports working natively too. A native idle or
    // waiting (the turn is over, or the agent asks) holds until the user's input follows it: a harness that has no
    // working signal of its own (Codex) redraws after its turn ends, and that output is not a new turn.
    private long _nativeAtRead;
    private long _nativeAtInput;
    private long _inputs;
    private bool _nativeHeld;
    private bool _native;
    private bool _stopped;

    public ActivityMonitor(CovenStore store, LaneState state, NotificationHub hub, TerminalState terminal, ActivitySettings? settings, LaneLog log, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _store = store;
        _state = state;
        _hub = hub;
        _terminal = terminal;
        _log = log;
        settings ??= new ActivitySettings();
        _idleAfterMs = settings.IdleAfterMs;
        var patterns = new List<Regex>();
        foreach (var pattern in settings.WaitingPatterns)
        {
            if (ActivitySettings.IsValidPattern(pattern, out var error))
            {
                patterns.Add(ActivitySettings.Compile(pattern));
            }
            else
            {
                log.Warn($"waiting pattern '{pattern}' ignored: {error}");
            }
        }

        _waiting = [.. patterns];
        _nativeWorking = settings.NativeSignals.Contains(SessionActivity.Working);
        _timer = _time.CreateTimer(_ => Tick(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The current activity (for status requests).</summary>
    public string Current => Volatile.Read(ref _activity);

    public void Start() => _timer.Change(s_tick, s_tick);

    /// <summary>Whether the timer is stopped until the next output or input (for tests).</summary>
    internal bool Parked => Volatile.Read(ref _parked) == 1;

    /// <summary>How many times output or input restarted a parked timer (for tests).</summary>
    internal long Wakes => Interlocked.Read(ref _wakes);

    /// <summary>Called by the PTY reader per read: two writes and a read, no lock, no allocation (unless the timer is parked).</summary>
    public void Touch()
    {
        Volatile.Write(ref _lastOutput, _time.GetTimestamp());
        Interlocked.Increment(ref _reads);
        if (Volatile.Read(ref _parked) == 1)
        {
            Wake();
        }
    }

    /// <summary>Stops the timer; no change is recorded after this returns (a tick decides under the gate, and only before the stop).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
        }

        _timer.Dispose();
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>
    /// A native report (a harness hook, through the control socket's <c>activity</c> op): recorded at once with
    /// source <c>hook</c>; from now on the fallback defers to the harness (see <see cref="ActivitySettings.NativeSignals"/>).
    /// </summary>
    /// <returns>The sequence number of the recorded event, or 0 when the activity did not change.</returns>
    public long Report(string activity, string reason)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return 0;
            }

            _native = true;
            _nativeAtRead = Interlocked.Read(ref _reads);
            _nativeAtInput = Interlocked.Read(ref _inputs);
            _nativeHeld = activity is SessionActivity.Idle or SessionActivity.Waiting;
            return Change(activity, reason, "hook");
        }
    }

    /// <summary>Called when the user's input has been written to the PTY (a native idle or waiting holds until then).</summary>
    public void InputArrived()
    {
        Interlocked.Increment(ref _inputs);
        if (Volatile.Read(ref _parked) == 1)
        {
            Wake();
        }
    }

    /// <summary>
    /// Stops the timer after a decision that only new output or input can change. The timer is stopped before the
    /// flag is published, so a <see cref="Wake"/> that sees the flag always restarts it; output or input that arrived
    /// after the decision but saw no flag is caught by the second look at the counters (both sides write, then read,
    /// with full fences).
    /// </summary>
    private void Park(long decidedReads, long decidedInputs)
    {
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Interlocked.Exchange(ref _parked, 1);
        if (Interlocked.Read(ref _reads) != decidedReads || Interlocked.Read(ref _inputs) != decidedInputs)
        {
            Wake();
        }
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _parked, 0) != 1)
        {
            return;
        }

        try
        {
            _timer.Change(s_tick, s_tick);
            Interlocked.Increment(ref _wakes);
        }
        catch (ObjectDisposedException)
        {
            // Stopped (the timer is disposed): there is nothing left to decide.
        }
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            lock (_gate)
            {
                if (_stopped)
                {
                    return;
                }

                var reads = Interlocked.Read(ref _reads);
                var inputs = Interlocked.Read(ref _inputs);
                if (Decide(reads))
                {
                    Park(reads, inputs);
                }
            }
        }
        catch (Exception ex)
        {
            // Logged, not spammed: the first failure and every 100th (the check runs four times a second).
            if (_failures++ % 100 == 0)
            {
                _log.Error($"the activity check failed ({_failures} times)", ex);
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    /// <summary>
    /// One fallback decision (under the gate) on the output read so far (<paramref name="reads"/>).
    /// </summary>
    /// <returns>True when nothing can change before the next output or input (the timer may park).</returns>
    private bool Decide(long reads)
    {
        var burst = reads != _decidedReads;
        _decidedReads = reads;
        if (reads == 0 || (_native && (_nativeWorking || reads == _nativeAtRead || (_nativeHeld && Interlocked.Read(ref _inputs) == _nativeAtInput))))
        {
            return true;
        }

        var quietMs = (long)_time.GetElapsedTime(Volatile.Read(ref _lastOutput)).TotalMilliseconds;
        if (quietMs < WaitingQuietMs)
        {
            Change(SessionActivity.Working, "output");
            return false;
        }

        if (burst)
        {
            // Output came since the last decision: it was a turn of work, however late this tick sees it.
            Change(SessionActivity.Working, "output");
        }

        if (_waiting.Length > 0 && reads != _screenCheckedAtRead)
        {
            // The screen is read again only after new output, not on every tick of a quiet session.
            _screenCheckedAtRead = reads;
            _screenWaiting = MatchWaiting(out var matched);
            if (_screenWaiting)
            {
                Change(SessionActivity.Waiting, $"screen matches '{matched}'");
                return true;
            }
        }

        if (_screenWaiting)
        {
            return true;
        }

        if (quietMs >= _idleAfterMs)
        {
            Change(SessionActivity.Idle, $"no output for {_idleAfterMs} ms");
            return true;
        }

        if (_activity != SessionActivity.Working)
        {
            Change(SessionActivity.Working, "output");
        }

        return false;
    }

    private bool MatchWaiting(out string matched)
    {
        var snapshot = _terminal.Snapshot();
        var text = new StringBuilder();
        foreach (var line in snapshot.Lines)
        {
            text.Append(line).Append('\n');
        }

        var screen = text.ToString();
        foreach (var pattern in _waiting)
        {
            try
            {
                if (pattern.IsMatch(screen))
                {
                    matched = pattern.ToString();
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                _log.Warn($"waiting pattern '{pattern}' timed out on the screen; skipped");
            }
        }

        matched = string.Empty;
        return false;
    }

    /// <summary>Records <paramref name="activity"/> when it differs from the current one; a failed write throws (logged by <see cref="Tick"/>) and is tried again on the next tick.</summary>
    private long Change(string activity, string reason, string source = "screen")
    {
        var previous = _activity;
        if (previous == activity)
        {
            return 0;
        }

        var payload = JsonSerializer.Serialize(
            new ActivityPayload(activity, previous == SessionActivity.Unknown ? null : previous, reason, source),
            RecordJsonContext.Default.ActivityPayload);
        var seq = _store.Sessions.RecordActivity(_state.Session, activity, reason, payload);
        Volatile.Write(ref _activity, activity);
        _state.Committed(seq);
        _hub.PublishAppended(seq);
        return seq;
    }
}
