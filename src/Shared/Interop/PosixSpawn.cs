using System.Runtime.InteropServices;

namespace Coven.Interop;

/// <summary>
/// The one posix_spawn of the tree (the PTY's harness, the CLI's detached daemon), with the conventions they share:
/// the child starts a new session (setsid: no controlling terminal, not in our process group), every signal back to
/// its default disposition and an empty signal mask (the .NET host ignores SIGPIPE and blocks some signals on its
/// threads; neither may leak into the child), and the file actions the caller adds, in order. Everything is
/// allocated in native memory before the spawn call and freed after it, so no managed code runs in the child (glibc
/// does all of it between clone and exec). No shell is involved.
/// </summary>
internal sealed unsafe class PosixSpawn : IDisposable
{
    private readonly NativeUtf8 _native = new();
    private readonly void* _attributes;
    private readonly void* _fileActions;
    private bool _attributesInitialized;
    private bool _fileActionsInitialized;

    /// <summary>Sets up the attributes; throws <see cref="InvalidOperationException"/> if glibc refuses (out of memory).</summary>
    public PosixSpawn()
    {
        _attributes = _native.Zeroed(Libc.OpaqueBufferSize);
        _fileActions = _native.Zeroed(Libc.OpaqueBufferSize);
        var defaultSignals = _native.Zeroed(Libc.OpaqueBufferSize);
        var emptyMask = _native.Zeroed(Libc.OpaqueBufferSize);
        try
        {
            Check(Libc.PosixSpawnattrInit(_attributes), "posix_spawnattr_init");
            _attributesInitialized = true;
            Check(Libc.PosixSpawnFileActionsInit(_fileActions), "posix_spawn_file_actions_init");
            _fileActionsInitialized = true;
            Check(Libc.Sigfillset(defaultSignals) == 0 ? 0 : Marshal.GetLastSystemError(), "sigfillset");
            Check(Libc.Sigemptyset(emptyMask) == 0 ? 0 : Marshal.GetLastSystemError(), "sigemptyset");
            Check(Libc.PosixSpawnattrSetsigdefault(_attributes, defaultSignals), "posix_spawnattr_setsigdefault");
            Check(Libc.PosixSpawnattrSetsigmask(_attributes, emptyMask), "posix_spawnattr_setsigmask");
            Check(Libc.PosixSpawnattrSetflags(_attributes, (short)(Libc.POSIX_SPAWN_SETSID | Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK)), "posix_spawnattr_setflags");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The child's working directory (glibc 2.29+), applied in file-action order.</summary>
    public void AddChdir(string directory) =>
        Check(Libc.PosixSpawnFileActionsAddchdirNp(_fileActions, _native.String(directory)), "posix_spawn_file_actions_addchdir_np");

    /// <summary>Opens <paramref name="path"/> as <paramref name="fd"/> in the child (after setsid, so a terminal opened here becomes the controlling one).</summary>
    public void AddOpen(int fd, string path, int flags, uint mode) =>
        Check(Libc.PosixSpawnFileActionsAddopen(_fileActions, fd, _native.String(path), flags, mode), "posix_spawn_file_actions_addopen");

    public void AddDup2(int fd, int newFd) =>
        Check(Libc.PosixSpawnFileActionsAdddup2(_fileActions, fd, newFd), "posix_spawn_file_actions_adddup2");

    /// <summary>Closes every descriptor from <paramref name="lowFd"/> up in the child (glibc 2.34+): nothing else is inherited.</summary>
    public void AddCloseFrom(int lowFd) =>
        Check(Libc.PosixSpawnFileActionsAddclosefromNp(_fileActions, lowFd), "posix_spawn_file_actions_addclosefrom_np");

    /// <summary>
    /// Spawns <paramref name="executable"/> (an absolute path; no PATH search) with <paramref name="argv"/> (argv[0]
    /// included) and exactly <paramref name="environment"/> ("NAME=value" entries). Returns 0 and the pid, or the
    /// error number posix_spawn reported (errno is not set).
    /// </summary>
    public int Spawn(string executable, IReadOnlyList<string> argv, IReadOnlyList<string> environment, out int pid)
    {
        var path = _native.String(executable);
        var argvPointer = _native.Array(argv);
        var envPointer = _native.Array(environment);
        int childPid;
        var error = Libc.PosixSpawn(&childPid, path, _fileActions, _attributes, argvPointer, envPointer);
        pid = error == 0 ? childPid : 0;
        return error;
    }

    public void Dispose()
    {
        // Destroy only frees glibc's internal action list; it cannot fail in a way we could act on.
        if (_fileActionsInitialized)
        {
            _fileActionsInitialized = false;
            _ = Libc.PosixSpawnFileActionsDestroy(_fileActions);
        }

        if (_attributesInitialized)
        {
            _attributesInitialized = false;
            _ = Libc.PosixSpawnattrDestroy(_attributes);
        }

        _native.Dispose();
    }

    private static void Check(int error, string what)
    {
        // Setting up attributes and file actions only fails on invalid arguments or out of memory: a bug or a broken
        // machine, not an expected outcome.
        if (error != 0)
        {
            throw new InvalidOperationException($"{what} failed: {Marshal.GetPInvokeErrorMessage(error)}");
        }
    }
}
