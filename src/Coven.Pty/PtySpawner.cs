using Coven.Pty.Interop;

namespace Coven.Pty;

/// <summary>
/// posix_spawn with the slave side of a pseudo-terminal as fds 0/1/2, in a new session so the slave becomes the
/// controlling terminal. No managed code runs between fork and exec: glibc does all of it in the child.
/// </summary>
internal static unsafe class PtySpawner
{
    private static readonly Lock s_umaskGate = new();

    /// <summary>Returns 0 and the pid, or the error number posix_spawn reported.</summary>
    /// <param name="cwdFd">A directory descriptor the child fchdir()s to, or -1 to chdir to the options' path.</param>
    public static int Spawn(PtyStartOptions options, string slavePath, int cwdFd, out int pid)
    {
        pid = 0;
        using var native = new NativeUtf8();
        var path = native.String(options.Executable);
        var argv = native.Array([options.Executable, .. options.Arguments]);
        var envList = new List<string>(options.Environment.Count);
        foreach (var (key, value) in options.Environment)
        {
            if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Invalid environment variable name '{key}'.", nameof(options));
            }

            envList.Add(key + "=" + value);
        }

        var envp = native.Array(envList);
        var slave = native.String(slavePath);
        var cwd = native.String(options.WorkingDirectory);

        var attributes = native.Zeroed(Libc.OpaqueBufferSize);
        var fileActions = native.Zeroed(Libc.OpaqueBufferSize);
        var defaultSignals = native.Zeroed(Libc.OpaqueBufferSize);
        var emptyMask = native.Zeroed(Libc.OpaqueBufferSize);

        Check(Libc.PosixSpawnattrInit(attributes));
        Check(Libc.PosixSpawnFileActionsInit(fileActions));
        try
        {
            // The .NET host ignores SIGPIPE and blocks some signals on its threads; neither may leak into the child.
            Check(Libc.Sigfillset(defaultSignals) == 0 ? 0 : Libc.EINTR);
            Check(Libc.Sigemptyset(emptyMask) == 0 ? 0 : Libc.EINTR);
            Check(Libc.PosixSpawnattrSetsigdefault(attributes, defaultSignals));
            Check(Libc.PosixSpawnattrSetsigmask(attributes, emptyMask));
            Check(Libc.PosixSpawnattrSetflags(attributes, (short)(Libc.POSIX_SPAWN_SETSID | Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK)));

            Check(cwdFd >= 0 ? Libc.PosixSpawnFileActionsAddfchdirNp(fileActions, cwdFd) : Libc.PosixSpawnFileActionsAddchdirNp(fileActions, cwd));

            // glibc runs setsid before the file actions, so opening the slave (without O_NOCTTY) makes it the
            // controlling terminal of the new session.
            Check(Libc.PosixSpawnFileActionsAddopen(fileActions, 0, slave, Libc.O_RDWR, 0));
            Check(Libc.PosixSpawnFileActionsAdddup2(fileActions, 0, 1));
            Check(Libc.PosixSpawnFileActionsAdddup2(fileActions, 0, 2));
            Check(Libc.PosixSpawnFileActionsAddclosefromNp(fileActions, 3));

            int childPid;
            int error;
            if (options.Umask is not null || options.FileLimit is not null)
            {
                // umask and rlimits are per process and posix_spawn has no file action for them: swap them in for
                // the spawn only. Anything the caller creates in this short window has an explicit mode anyway.
                lock (s_umaskGate)
                {
                    var previous = options.Umask is { } umask ? Libc.Umask(umask) : (uint?)null;
                    var raised = options.FileLimit is { } soft && Libc.Getrlimit(Libc.RLIMIT_NOFILE, out var limits) == 0 && limits.Current != soft
                        && Libc.Setrlimit(Libc.RLIMIT_NOFILE, limits with { Current = Math.Min(soft, limits.Maximum) }) == 0
                        ? limits : (Libc.Rlimit?)null;
                    error = Libc.PosixSpawn(&childPid, path, fileActions, attributes, argv, envp);
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
            else
            {
                error = Libc.PosixSpawn(&childPid, path, fileActions, attributes, argv, envp);
            }

            if (error == 0)
            {
                pid = childPid;
            }

            return error;
        }
        finally
        {
            // Destroy only frees glibc's internal action list; it cannot fail in a way we could act on.
            _ = Libc.PosixSpawnFileActionsDestroy(fileActions);
            _ = Libc.PosixSpawnattrDestroy(attributes);
        }
    }

    private static void Check(int error)
    {
        // Setting up attributes only fails on invalid arguments or out of memory: a bug, not an expected outcome.
        if (error != 0)
        {
            throw new InvalidOperationException($"posix_spawn setup failed with error {error}.");
        }
    }
}
