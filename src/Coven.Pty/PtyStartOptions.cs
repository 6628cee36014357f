namespace Coven.Pty;

/// <summary>
/// What to run in a new pseudo-terminal. Nothing is inherited implicitly: the environment is exactly
/// <see cref="Environment"/>, and <see cref="Executable"/> must be an absolute path
/// (use <see cref="PtyProcess.ResolveExecutable"/> to search a PATH).
/// </summary>
/// <param name="Executable">Absolute path of the program; also passed as argv[0].</param>
/// <param name="Arguments">argv[1..], passed as given (never through a shell).</param>
/// <param name="WorkingDirectory">Directory the child starts in.</param>
/// <param name="Environment">The complete environment of the child.</param>
/// <param name="Columns">Initial terminal width, set before the child starts.</param>
/// <param name="Rows">Initial terminal height, set before the child starts.</param>
public sealed record PtyStartOptions(
    string Executable,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    int Columns,
    int Rows)
{
    /// <summary>
    /// The umask the child starts with (posix_spawn has no file action for it, so the caller's umask is swapped in
    /// around the spawn); null inherits the caller's.
    /// </summary>
    public uint? Umask { get; init; }

    /// <summary>The soft RLIMIT_NOFILE the child starts with (swapped in around the spawn like <see cref="Umask"/>); null inherits.</summary>
    public ulong? FileLimit { get; init; }

    /// <summary>
    /// The canonical project root the working directory must stay beneath. When set, the directory is opened at
    /// spawn time relative to the root without following anything out of it, and the child fchdir()s to that
    /// descriptor (<see cref="PtyProcess.WorkingDirectory"/> is the directory actually used).
    /// </summary>
    public string? ConfinedTo { get; init; }
}
