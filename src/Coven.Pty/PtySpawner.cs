using Coven.Interop;

namespace Coven.Pty;

/// <summary>
/// posix_spawn (the shared <see cref="PosixSpawn"/>) with the slave side of a pseudo-terminal as fds 0/1/2, in a new
/// session so the slave becomes the controlling terminal.
/// </summary>
internal static class PtySpawner
{
    /// <summary>Returns 0 and the pid, or the error number posix_spawn reported.</summary>
    public static int Spawn(PtyStartOptions options, string slavePath, out int pid)
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
        spawn.AddChdir(options.WorkingDirectory);

        // glibc runs setsid before the file actions, so opening the slave (without O_NOCTTY) makes it the
        // controlling terminal of the new session.
        spawn.AddOpen(0, slavePath, Libc.O_RDWR, 0);
        spawn.AddDup2(0, 1);
        spawn.AddDup2(0, 2);
        spawn.AddCloseFrom(3);
        return spawn.Spawn(options.Executable, [options.Executable, .. options.Arguments], envList, out pid);
    }
}
