using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using Coven.Cli.Interop;

namespace Coven.Cli.Daemon;

/// <summary>
/// Starts covend detached with posix_spawn: a new session (no controlling terminal, not in our process
/// group, so Ctrl-C in the user's shell does not reach it), default signal dispositions and an empty mask
/// (the .NET host ignores SIGPIPE), stdin from /dev/null, stdout/stderr appended to a log file, and no other
/// inherited descriptors. No shell is involved.
/// </summary>
internal static class DaemonSpawner
{
    /// <summary>Returns the pid, or throws <see cref="CliException"/> with the spawn error.</summary>
    public static unsafe int Spawn(string executable, IReadOnlyList<string> args, string consoleLog)
    {
        var argv = new List<string>(args.Count + 1) { executable };
        argv.AddRange(args);
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
        {
            env.Add($"{e.Key}={e.Value}");
        }

        var allocations = new List<IntPtr>();
        try
        {
            var path = Utf8(executable, allocations);
            var devNull = Utf8("/dev/null", allocations);
            var log = Utf8(consoleLog, allocations);
            var argvPtr = Array(argv, allocations);
            var envPtr = Array(env, allocations);

            var attr = stackalloc byte[Libc.SpawnStructSize];
            var actions = stackalloc byte[Libc.SpawnStructSize];
            var sigDefault = stackalloc byte[Libc.SigsetSize];
            var sigMask = stackalloc byte[Libc.SigsetSize];
            Check(Libc.PosixSpawnattrInit(attr), "posix_spawnattr_init");
            Check(Libc.PosixSpawnFileActionsInit(actions), "posix_spawn_file_actions_init");
            try
            {
                Check(Libc.Sigfillset(sigDefault), "sigfillset");
                Check(Libc.Sigemptyset(sigMask), "sigemptyset");
                Check(Libc.PosixSpawnattrSetsigdefault(attr, sigDefault), "posix_spawnattr_setsigdefault");
                Check(Libc.PosixSpawnattrSetsigmask(attr, sigMask), "posix_spawnattr_setsigmask");
                Check(Libc.PosixSpawnattrSetflags(attr, Libc.POSIX_SPAWN_SETSID | Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK), "posix_spawnattr_setflags");
                Check(Libc.PosixSpawnFileActionsAddopen(actions, 0, devNull, Libc.O_RDONLY, 0), "addopen stdin");
                Check(Libc.PosixSpawnFileActionsAddopen(actions, 1, log, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, 0b110_000_000), "addopen stdout");
                Check(Libc.PosixSpawnFileActionsAddopen(actions, 2, log, Libc.O_WRONLY | Libc.O_CREAT | Libc.O_APPEND, 0b110_000_000), "addopen stderr");
                Check(Libc.PosixSpawnFileActionsAddclosefromNp(actions, 3), "addclosefrom_np");

                int pid;
                var rc = Libc.PosixSpawn(&pid, path, actions, attr, argvPtr, envPtr);
                if (rc != 0)
                {
                    throw CliException.Unreachable($"cannot start {executable}: {Marshal.GetPInvokeErrorMessage(rc)}");
                }

                return pid;
            }
            finally
            {
                _ = Libc.PosixSpawnFileActionsDestroy(actions);
                _ = Libc.PosixSpawnattrDestroy(attr);
            }
        }
        finally
        {
            foreach (var p in allocations)
            {
                Marshal.FreeHGlobal(p);
            }
        }
    }

    /// <summary>True when our child <paramref name="pid"/> has exited (reaped); its wait status in <paramref name="status"/>.</summary>
    public static unsafe bool TryReap(int pid, out int status)
    {
        int s;
        var rc = Libc.Waitpid(pid, &s, Libc.WNOHANG);
        status = s;
        return rc == pid;
    }

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new CliException("spawn_failed", $"{what} failed: {Marshal.GetPInvokeErrorMessage(rc)}");
        }
    }

    private static unsafe byte* Utf8(string s, List<IntPtr> allocations)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var p = (byte*)Marshal.AllocHGlobal(bytes.Length + 1);
        allocations.Add((IntPtr)p);
        bytes.AsSpan().CopyTo(new Span<byte>(p, bytes.Length));
        p[bytes.Length] = 0;
        return p;
    }

    private static unsafe byte** Array(List<string> items, List<IntPtr> allocations)
    {
        var arr = (byte**)Marshal.AllocHGlobal((items.Count + 1) * sizeof(byte*));
        allocations.Add((IntPtr)arr);
        for (var i = 0; i < items.Count; i++)
        {
            arr[i] = Utf8(items[i], allocations);
        }

        arr[items.Count] = null;
        return arr;
    }
}
