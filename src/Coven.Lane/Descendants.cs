using System.Globalization;
using Coven.Core;
using Coven.Interop;

namespace Coven.Lane;

/// <summary>
/// Processes a harness left behind outside its process group. Agents start helpers that detach into their own
/// session (Codex's app-server does), so a group kill misses them. The lane is a child subreaper: anything orphaned
/// below it is re-parented to it instead of to init, so "every process whose parent is the lane, other than the
/// harness" is exactly the set of escapees, and the lane can end them with the session and reap them.
/// </summary>
internal static class Descendants
{
    /// <summary>Makes this process the subreaper of its descendants. False when the kernel refuses (logged, not fatal).</summary>
    public static bool BecomeSubreaper() => Libc.Prctl(Libc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0;

    /// <summary>
    /// Reaps every adopted child that has exited, at once (called on SIGCHLD): as subreaper the lane inherits the
    /// orphans of the harness's helpers (Codex leaves a short-lived <c>git</c> per start), and without a wait they stay
    /// zombies until the session ends. Waits only for the pids it finds among the lane's own children, never for
    /// <paramref name="harnessPid"/>: the harness's exit status belongs to its <see cref="Coven.Pty.PtyProcess"/>, which reaps it on the same signal. Returns how many it reaped.
    /// </summary>
    public static int ReapExited(int harnessPid)
    {
        var reaped = 0;
        foreach (var pid in OwnChildren())
        {
            if (pid != harnessPid && WaitNoHang(pid) == pid)
            {
                reaped++;
            }
        }

        return reaped;
    }

    private static unsafe int WaitNoHang(int pid) => Libc.Waitpid(pid, null, Libc.WNOHANG);

    /// <summary>The lane's children (running or exited), from the children lists of its threads (an adopted orphan's parent is any live thread).</summary>
    private static List<int> OwnChildren()
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    AddPids(task + "/children", children);
                }
                catch (IOException)
                {
                    // The thread ended while we looked.
                }
            }
        }
        catch (IOException)
        {
            // No /proc/self/task: nothing to do.
        }

        return children;
    }

    /// <summary>
    /// Adds the pids listed in a <c>children</c> file (decimal, space-separated). Read into a stack buffer, not through
    /// a FileStream and a string: this runs at every SIGCHLD and at each lane's start, once per thread.
    /// </summary>
    private static void AddPids(string path, List<int> pids)
    {
        using var handle = File.OpenHandle(path);
        Span<byte> buffer = stackalloc byte[1024];
        long offset = 0;
        var pid = -1;
        int read;
        while ((read = RandomAccess.Read(handle, buffer, offset)) > 0)
        {
            offset += read;
            foreach (var b in buffer[..read])
            {
                if (b is >= (byte)'0' and <= (byte)'9')
                {
                    pid = (pid < 0 ? 0 : pid * 10) + (b - '0');
                }
                else if (pid >= 0)
                {
                    pids.Add(pid);
                    pid = -1;
                }
            }
        }

        if (pid >= 0)
        {
            pids.Add(pid);
        }
    }

    /// <summary>
    /// SIGTERM (and SIGCONT) to every adopted descendant and its process group, SIGKILL after <paramref name="grace"/>
    /// to what remains, reaping each. Returns how many processes were found.
    /// </summary>
    public static async Task<int> EndAllAsync(int excludePid, TimeSpan grace, LaneLog log, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessId;
        var found = Children(self, excludePid);
        if (found.Count == 0)
        {
            return 0;
        }

        var count = found.Count;
        log.Info($"ending {count} process(es) left outside the harness group: {string.Join(' ', found)}");
        SignalAll(found, Signals.SIGTERM);
        SignalAll(found, Signals.SIGCONT);

        var deadline = DateTime.UtcNow + grace;
        while (DateTime.UtcNow < deadline)
        {
            Reap(found);
            if (found.Count == 0)
            {
                return count;
            }

            // Adopted children give us no exit notification the way our own harness does, so poll (bounded).
            await Task.Delay(20, cancellationToken);
        }

        // New escapees may have been adopted meanwhile (a helper's own children): take them too.
        var remaining = Children(self, excludePid);
        SignalAll(remaining, Signals.SIGKILL);
        var killDeadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (remaining.Count > 0 && DateTime.UtcNow < killDeadline)
        {
            Reap(remaining);
            await Task.Delay(10, cancellationToken);
        }

        if (remaining.Count > 0)
        {
            log.Warn($"processes still present after SIGKILL: {string.Join(' ', remaining)}");
        }

        return count;
    }

    private static void SignalAll(List<int> pids, int signal)
    {
        foreach (var pid in pids)
        {
            // The whole group when the escapee leads one (setsid/setpgid), else just the process.
            if (ProcStat.TryRead(pid, out var stat) && stat.ProcessGroup == pid)
            {
                Libc.Kill(-pid, signal);
            }

            Libc.Kill(pid, signal);
        }
    }

    private static void Reap(List<int> pids) =>
        pids.RemoveAll(pid => Reaped(pid) || !Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture)));

    private static unsafe bool Reaped(int pid)
    {
        int status;
        return Libc.Waitpid(pid, &status, Libc.WNOHANG) == pid;
    }

    /// <summary>Live child processes of <paramref name="parent"/> (from /proc), except <paramref name="excludePid"/>.</summary>
    private static List<int> Children(int parent, int excludePid)
    {
        var children = new List<int>();
        foreach (var pid in ProcStat.Pids())
        {
            if (pid != excludePid && ProcStat.TryRead(pid, out var stat) && stat.ParentPid == parent)
            {
                children.Add(pid);
            }
        }

        return children;
    }
}
