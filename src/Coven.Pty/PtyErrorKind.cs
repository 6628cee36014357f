namespace Coven.Pty;

/// <summary>Why a pseudo-terminal process could not be started.</summary>
public enum PtyErrorKind
{
    /// <summary>The executable does not exist (or the path is not absolute).</summary>
    ExecutableNotFound,

    /// <summary>The working directory does not exist or is not a directory.</summary>
    WorkingDirectoryNotFound,

    /// <summary>posix_spawn failed (for example the file is not executable or has a bad format).</summary>
    SpawnFailed,

    /// <summary>The pseudo-terminal itself could not be allocated or configured.</summary>
    PtyFailed,

    /// <summary>The working directory is (or, at spawn time, leads) outside <see cref="PtyStartOptions.ConfinedTo"/>.</summary>
    WorkingDirectoryOutsideRoot,
}
