using Coven.Core;
using Coven.Pty;

namespace Coven.Lane;

/// <summary>What the control socket reports about this lane; written by the recorder and the exit path, read by requests.</summary>
internal sealed class LaneState
{
    private long _lastSeq;
    private PtyExitStatus? _exit;
    private long _exitSeq;

    public LaneState(SessionId session, ProcessIdentity lane, ProcessIdentity harness, long lastSeq)
    {
        Session = session;
        Lane = lane;
        Harness = harness;
        _lastSeq = lastSeq;
    }

    public SessionId Session { get; }

    public ProcessIdentity Lane { get; }

    public ProcessIdentity Harness { get; }

    public long LastSeq => Interlocked.Read(ref _lastSeq);

    /// <summary>Set once the exit event is committed; null before.</summary>
    public PtyExitStatus? Exit => Volatile.Read(ref _exit);

    public long ExitSeq => Interlocked.Read(ref _exitSeq);

    public void Committed(long seq)
    {
        // The recorder thread, the activity timer and then the exit path commit; keep the highest seq.
        var current = Interlocked.Read(ref _lastSeq);
        while (seq > current)
        {
            var seen = Interlocked.CompareExchange(ref _lastSeq, seq, current);
            if (seen == current)
            {
                break;
            }

            current = seen;
        }
    }

    public void ExitCommitted(PtyExitStatus status, long seq)
    {
        Committed(seq);
        Interlocked.Exchange(ref _exitSeq, seq);
        Volatile.Write(ref _exit, status);
    }
}
