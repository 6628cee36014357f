using System.Collections;
using System.Runtime.InteropServices;
using Coven.Interop;

namespace Coven.Cli.Daemon;

/// <summary>
/// Starts covend detached with posix_spawn: a new session (no controlling terminal, not in our process
/// group, so Ctrl-C in the user's shell does not reach it), default signal dispositions and an empty mask
/// (the .NET host ignores SIGPIPE), stdin from /dev/null, stdout/stderr appended to a log file, and no other
/// inherited descriptors (the shared <see cref="PosixSpawn"/>). No shell is involved.
/// </summary>
internal static class DaemonSpawner
{
    /// <summary>Returns the pid, or throws <see cref="CliException"/> with the spawn error.</summary>
    public static int Spawn(string executable, IReadOnlyList<string> args, string consoleLog)
    {
        var argv = new List<string>(args.Count + 1) { executable };
        argv.AddRange(args);
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env.Add($"{e.Key}={e.Value}");
        }

        int rc;
        int pid;
        try
        {
            using var spawn = new PosixSpawn();
            spawn.AddOpen(0, "/dev/null", Libc.O_RDONLY, 0);
            spawn.AddOpen(1, consoleLog, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, 0b110_000_000);
            spawn.AddOpen(2, consoleLog, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, 0b110_000_000);
            spawn.AddCloseFrom(3);
            rc = spawn.Spawn(executable, argv, env, out pid);
        }
        catch (InvalidOperationException e)
        {
            throw new CliException("spawn_failed", e.Message);
        }

        if (rc != 0)
        {
            throw CliException.Unreachable($"cannot start {executable}: {Marshal.GetPInvokeErrorMessage(rc)}");
        }

        return pid;
    }

    /// <summary>True when our child <paramref name="pid"/> has exited (reaped); its wait status in <paramref name="status"/>.</summary>
    public static unsafe bool TryReap(int pid, out int status)
    {
        int s;
        var rc = Libc.Waitpid(pid, &s, Libc.WNOHANG);
        status = s;
        return rc == pid;
    }
}
