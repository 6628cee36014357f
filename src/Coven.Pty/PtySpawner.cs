using Coven.Interop;

namespace Coven.Pty;

/// <summary>
/// posix_spawn (the shared <see cref="PosixSpawn"/>) with the slave side of a pseudo-terminal as fds 0/1/2, in a new
/// session so the slave becomes the controlling terminal.
/// </summary>
internal static class PtySpawner
{
    private static readonly Lock s_umaskGate = new();

    /// <summary>Returns 0 and the pid, or the error number posix_spawn reported.</summary>
    /// <param name="options">What to run, with which environment and window size.</param>
    /// <param name="slavePath">The PTY's slave device, the child's controlling terminal and stdio.</param>
    /// <param name="cwdFd">A directory descriptor the child fchdir()s to, or -1 to chdir to the options' path.</param>
    /// <param name="pid">The child's pid when the spawn succeeded.</param>
    public static int Spawn(PtyStartOptions options, string slavePath, int cwdFd, out int pid)
    {
        var envList = new List<string>(options.Environment.Count);
        foreach (var (key, value) in options.Environment)
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Invalid environment variable name '{key}'.", nameof(options));
            }

            envList.Add(key + "=" + value);
        }

        using var spawn = new PosixSpawn();
        if (cwdFd >= 0)
        {
            spawn.AddFchdir(cwdFd);
        }
        else
        {
            spawn.AddChdir(options.WorkingDirectory);
        }

        // glibc runs setsid before the file actions, so opening the slave (without O_NOCTTY) makes it the
        // controlling terminal of the new session.
        spawn.AddOpen(0, slavePath, Libc.O_RDWR, 0);
        spawn.AddDup2(0, 1);
        spawn.AddDup2(0, 2);
        spawn.AddCloseFrom(3);
        string[] argv = [options.Executable, .. options.Arguments];
        if (options.Umask is null && options.FileLimit is null)
        {
            return spawn.Spawn(options.Executable, argv, envList, out pid);
        }

        // umask and rlimits are per process and posix_spawn has no file action for them: swap them in for the spawn
        // only. Anything the caller creates in this short window has an explicit mode anyway.
        lock (s_umaskGate)
        {
            var previous = options.Umask is { } umask ? Libc.Umask(umask) : (uint?)null;
            var raised = options.FileLimit is { } soft && Libc.Getrlimit(Libc.RLIMIT_NOFILE, out var limits) == 0 && limits.Current != soft
                && Libc.Setrlimit(Libc.RLIMIT_NOFILE, limits with { Current = Math.Min(soft, limits.Maximum) }) == 0
                ? limits : (Libc.Rlimit?)null;
            try
            {
                return spawn.Spawn(options.Executable, argv, envList, out pid);
            }
            finally
            {
                if (raised is { } restore)
                {
                    _ = Libc.Setrlimit(Libc.RLIMIT_NOFILE, restore);
                }

                if (previous is { } mask)
                {
                    _ = Libc.Umask(mask);
                }
            }
        }
    }
}
