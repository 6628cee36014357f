using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;
using Coven.Core;
using Coven.Interop;
using Microsoft.Win32.SafeHandles;

namespace Coven.Pty;

/// <summary>
/// A child process running on the slave side of a pseudo-terminal, in its own session and process group,
/// with this object holding the master side.
/// </summary>
/// <remarks>
/// Threading: <see cref="Read"/> and <c>Write</c> block the calling thread (call them from dedicated
/// threads); they may run concurrently with each other, with <see cref="Resize"/> and with <see cref="Dispose"/>.
/// The child (this pid only) is reaped when SIGCHLD reports a child's exit, not by a thread of its own; <see cref="Exited"/>
/// completes then.
/// Disposing closes the master (the kernel then sends SIGHUP to the child's session) but does not wait for the child.
/// </remarks>
public sealed class PtyProcess : IDisposable
{
    private const int MaxDimension = ushort.MaxValue;

    private readonly SafeFileHandle _master;
    private readonly SafeFileHandle _wakeRead;
    private readonly SafeFileHandle _wakeWrite;
    private readonly Lock _writeLock = new();
    private readonly TaskCompletionSource<PtyExitStatus> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _reapLock = new();
    private readonly PosixSignalRegistration _childSignal;
    private int _stopped;
    private int _disposed;
    private volatile bool _groupGone;

    private PtyProcess(int pid, SafeFileHandle master, SafeFileHandle wakeRead, SafeFileHandle wakeWrite, int columns, int rows)
    {
        Pid = pid;
        _master = master;
        _wakeRead = wakeRead;
        _wakeWrite = wakeWrite;
        Columns = columns;
        Rows = rows;

        // Read before the reaper can run: until we reap it the child exists at least as a zombie, so its
        // start time is always readable here even if it exits at once.
        StartTime = ProcStat.TryRead(pid, out var stat) ? stat.StartTime : 0;

        // Reaped on SIGCHLD instead of by a thread blocked in waitpid: a thread start is a clone and, in NativeAOT, a
        // yield loop until the new thread runs, paid on every launch (docs/benchmarks-cli.md, "What a launch costs").
        // The runtime runs every registered handler on each SIGCHLD it receives, and signals that arrive together
        // coalesce into one, so each process checks its own pid (never waitpid(-1): other children are not ours).
        // A child that exited before the registration sent its signal too early: check once after registering.
        _childSignal = PosixSignalRegistration.Create(PosixSignal.SIGCHLD, _ => TryReap());
        TryReap();
        if (_exited.Task.IsCompleted)
        {
            // Reaped here, or by a handler that ran before _childSignal was assigned (and so could not dispose it).
            _childSignal.Dispose();
        }
    }

    /// <summary>The child's pid; also its process group id and session id.</summary>
    public int Pid { get; }

    /// <summary>
    /// The child's start time in clock ticks since boot (/proc/&lt;pid&gt;/stat field 22), or 0 if it could not be read.
    /// Together with <see cref="Pid"/> it names the process unambiguously even after the pid is recycled.
    /// </summary>
    public ulong StartTime { get; }

    /// <summary>The size last set on the terminal.</summary>
    public int Columns { get; private set; }

    /// <summary>The size last set on the terminal.</summary>
    public int Rows { get; private set; }

    /// <summary>The directory the child started in (resolved at spawn time when the start was confined to a root).</summary>
    public string WorkingDirectory { get; private init; } = string.Empty;

    /// <summary>Completes when the child (this pid only, not its descendants) has exited and been reaped.</summary>
    public Task<PtyExitStatus> Exited => _exited.Task;

    /// <summary>Starts <see cref="PtyStartOptions.Executable"/> in a new pseudo-terminal.</summary>
    /// <returns>The process, or an error describing an expected failure (missing executable or directory, spawn failure).</returns>
    /// <exception cref="ArgumentException">The options are malformed (relative path, bad size, NUL in a string).</exception>
    public static PtyStartResult Start(PtyStartOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Columns, MaxDimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Rows, MaxDimension);

        if (!Path.IsPathFullyQualified(options.Executable))
        {
            return PtyStartResult.Failure(PtyErrorKind.ExecutableNotFound, Libc.ENOENT, $"The executable path '{options.Executable}' is not absolute.");
        }

        if (Directory.Exists(options.Executable) || !File.Exists(options.Executable))
        {
            return PtyStartResult.Failure(PtyErrorKind.ExecutableNotFound, Libc.ENOENT, $"The executable '{options.Executable}' does not exist.");
        }

        if (Libc.Access(options.Executable, Libc.X_OK) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return PtyStartResult.Failure(PtyErrorKind.SpawnFailed, errno, $"The file '{options.Executable}' is not executable ({Marshal.GetPInvokeErrorMessage(errno)}).");
        }

        if (options.ConfinedTo is null && !Directory.Exists(options.WorkingDirectory))
        {
            return PtyStartResult.Failure(PtyErrorKind.WorkingDirectoryNotFound, Libc.ENOENT, $"The working directory '{options.WorkingDirectory}' does not exist.");
        }

        // Non-blocking so that Read/Write can wait with poll() on the master and a wake pipe together,
        // which lets Dispose and StopReading unblock them.
        var masterFd = Libc.PosixOpenpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC | Libc.O_NONBLOCK);
        if (masterFd < 0)
        {
            return PtyFailure("posix_openpt", Marshal.GetLastPInvokeError());
        }

        var cwdFd = -1;
        var workingDirectory = options.WorkingDirectory;
        if (options.ConfinedTo is { } root)
        {
            if (!ConfinedDirectory.TryOpen(root, options.WorkingDirectory, out cwdFd, out workingDirectory, out var cwdKind, out var cwdError))
            {
                _ = Libc.Close(masterFd);
                return PtyStartResult.Failure(cwdKind, cwdKind == PtyErrorKind.WorkingDirectoryNotFound ? Libc.ENOENT : Libc.EXDEV, cwdError);
            }
        }

        var master = new SafeFileHandle(masterFd, ownsHandle: true);
        SafeFileHandle? wakeRead = null;
        SafeFileHandle? wakeWrite = null;
        var started = false;
        try
        {
            if (Libc.Grantpt(masterFd) != 0)
            {
                return PtyFailure("grantpt", Marshal.GetLastPInvokeError());
            }

            if (Libc.Unlockpt(masterFd) != 0)
            {
                return PtyFailure("unlockpt", Marshal.GetLastPInvokeError());
            }

            if (!TryGetSlavePath(masterFd, out var slavePath, out var ptsError))
            {
                return PtyFailure("ptsname_r", ptsError);
            }

            var sizeError = SetWindowSize(masterFd, options.Columns, options.Rows);
            if (sizeError != 0)
            {
                return PtyFailure("ioctl(TIOCSWINSZ)", sizeError);
            }

            if (!TryCreateWakePipe(out wakeRead, out wakeWrite, out var pipeError))
            {
                return PtyFailure("pipe2", pipeError);
            }

            var spawnError = PtySpawner.Spawn(options, slavePath, cwdFd, out var pid);
            if (spawnError != 0)
            {
                var kind = spawnError == Libc.ENOENT ? PtyErrorKind.ExecutableNotFound : PtyErrorKind.SpawnFailed;
                return PtyStartResult.Failure(kind, spawnError, $"Could not start '{options.Executable}': {Marshal.GetPInvokeErrorMessage(spawnError)}.");
            }

            started = true;
            return PtyStartResult.Success(new PtyProcess(pid, master, wakeRead, wakeWrite, options.Columns, options.Rows) { WorkingDirectory = workingDirectory });
        }
        finally
        {
            if (cwdFd >= 0)
            {
                _ = Libc.Close(cwdFd);
            }

            if (!started)
            {
                master.Dispose();
                wakeRead?.Dispose();
                wakeWrite?.Dispose();
            }
        }
    }

    /// <summary>
    /// Finds an executable the way a shell would: a name containing '/' is taken as a path (made absolute),
    /// otherwise each non-empty entry of <paramref name="pathVariable"/> is tried in order.
    /// </summary>
    /// <returns>The absolute path of an executable regular file, or null.</returns>
    public static string? ResolveExecutable(string name, string? pathVariable)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return null;
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(name);
            return IsExecutableFile(full) ? full : null;
        }

        foreach (var dir in (pathVariable ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            // Relative PATH entries would make the result depend on our cwd; they are skipped on purpose.
            if (!Path.IsPathRooted(dir))
            {
                continue;
            }

            var candidate = Path.Combine(dir, name);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    /// <summary>
    /// Reads output into <paramref name="buffer"/>, blocking until some is available, then taking whatever else is
    /// immediately available up to the buffer's size.
    /// </summary>
    /// <returns>
    /// The number of bytes read; 0 means end of output: every process holding the terminal has closed it (EIO),
    /// or <see cref="StopReading"/> / <see cref="Dispose"/> was called and no more data is immediately available.
    /// </returns>
    public unsafe int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        var addedMaster = false;
        var addedWake = false;
        try
        {
            _master.DangerousAddRef(ref addedMaster);
            _wakeRead.DangerousAddRef(ref addedWake);
        }
        catch (ObjectDisposedException)
        {
            ReleaseIf(addedMaster, _master);
            return 0;
        }

        try
        {
            var fd = (int)_master.DangerousGetHandle();
            while (true)
            {
                nint n;
                fixed (byte* p = buffer)
                {
                    n = Libc.Read(fd, p, buffer.Length);
                }

                if (n > 0)
                {
                    // The kernel hands out at most ~4 KiB per read of a PTY; take what else is already there so
                    // consumers see fewer, larger chunks (fewer wakeups and handoffs under heavy output).
                    return (int)n + ReadMoreAvailable(fd, buffer[(int)n..]);
                }

                if (n == 0)
                {
                    return 0;
                }

                var errno = Marshal.GetLastPInvokeError();
                switch (errno)
                {
                    case Libc.EINTR:
                        continue;
                    case Libc.EAGAIN:
                        // Data that is already buffered wins over a stop request: read() ran first.
                        if (Volatile.Read(ref _stopped) != 0 || !WaitFor(fd, Libc.POLLIN))
                        {
                            return 0;
                        }

                        continue;
                    case Libc.EIO:
                        // Linux reports "no slave open any more" as EIO, after all buffered output was read.
                        return 0;
                    default:
                        throw new IOException($"read from pseudo-terminal failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
                }
            }
        }
        finally
        {
            ReleaseIf(addedWake, _wakeRead);
            ReleaseIf(addedMaster, _master);
        }
    }

    /// <summary>Non-blocking reads into <paramref name="rest"/> until it is full or nothing more is available.</summary>
    private static unsafe int ReadMoreAvailable(int fd, Span<byte> rest)
    {
        var total = 0;
        while (total < rest.Length)
        {
            nint n;
            fixed (byte* p = rest[total..])
            {
                n = Libc.Read(fd, p, rest.Length - total);
            }

            if (n > 0)
            {
                total += (int)n;
                continue;
            }

            // EAGAIN (nothing more now), EIO (end: the next Read reports it), EINTR: return what we have.
            return total;
        }

        return total;
    }

    /// <summary>Writes all of <paramref name="data"/> to the terminal (the child's input), blocking while the terminal is full.</summary>
    /// <returns>False when the terminal is gone (all slaves closed), or this object was disposed.</returns>
    public unsafe bool Write(ReadOnlySpan<byte> data)
    {
        var addedMaster = false;
        var addedWake = false;
        try
        {
            _master.DangerousAddRef(ref addedMaster);
            _wakeRead.DangerousAddRef(ref addedWake);
        }
        catch (ObjectDisposedException)
        {
            ReleaseIf(addedMaster, _master);
            return false;
        }

        try
        {
            // Writers are serialised so concurrent inputs are never interleaved.
            lock (_writeLock)
            {
                var fd = (int)_master.DangerousGetHandle();
                while (!data.IsEmpty)
                {
                    nint n;
                    fixed (byte* p = data)
                    {
                        n = Libc.Write(fd, p, data.Length);
                    }

                    if (n >= 0)
                    {
                        data = data[(int)n..];
                        continue;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    switch (errno)
                    {
                        case Libc.EINTR:
                            continue;
                        case Libc.EAGAIN:
                            if (Volatile.Read(ref _disposed) != 0 || !WaitFor(fd, Libc.POLLOUT))
                            {
                                return false;
                            }

                            continue;
                        case Libc.EIO:
                            return false;
                        default:
                            throw new IOException($"write to pseudo-terminal failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
                    }
                }

                return true;
            }
        }
        finally
        {
            ReleaseIf(addedWake, _wakeRead);
            ReleaseIf(addedMaster, _master);
        }
    }

    /// <summary>Convenience for <see cref="Write(ReadOnlySpan{byte})"/> with UTF-8 text.</summary>
    public bool Write(string text) => Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Sets the terminal size; the kernel sends SIGWINCH to the foreground process group when it changes.</summary>
    /// <returns>False if this object was disposed.</returns>
    public bool Resize(int columns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, MaxDimension);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, MaxDimension);
        var added = false;
        try
        {
            _master.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        try
        {
            var error = SetWindowSize((int)_master.DangerousGetHandle(), columns, rows);
            if (error != 0)
            {
                throw new IOException($"ioctl(TIOCSWINSZ) failed: {Marshal.GetPInvokeErrorMessage(error)}", error);
            }

            Columns = columns;
            Rows = rows;
            return true;
        }
        finally
        {
            ReleaseIf(added, _master);
        }
    }

    /// <summary>Sends <paramref name="signal"/> to the child's whole process group.</summary>
    /// <returns>False when no process of the group exists any more.</returns>
    public bool SignalGroup(int signal)
    {
        // Once the leader is reaped and the group was seen empty, the pgid may be recycled: never signal it again.
        if (_groupGone)
        {
            return false;
        }

        if (Libc.Kill(-Pid, signal) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == Libc.ESRCH && _exited.Task.IsCompleted)
        {
            _groupGone = true;
        }

        return false;
    }

    /// <summary>True while at least one process of the child's process group exists.</summary>
    public bool IsGroupAlive() => SignalGroup(0);

    /// <summary>
    /// SIGTERM (then SIGCONT, so stopped processes can act on it) to the process group, then SIGKILL to the group
    /// after <paramref name="grace"/> if the child or anything else of its group still exists.
    /// Completes when the group is gone or SIGKILL was sent.
    /// </summary>
    public Task KillAsync(TimeSpan grace, CancellationToken cancellationToken) =>
        KillAsync(Signals.SIGTERM, grace, cancellationToken);

    /// <summary>
    /// Like <see cref="KillAsync(TimeSpan, CancellationToken)"/> with another first signal (for example SIGHUP or SIGINT).
    /// </summary>
    public async Task KillAsync(int signal, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!SignalGroup(signal) && _exited.Task.IsCompleted)
        {
            return;
        }

        SignalGroup(Signals.SIGCONT);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < grace)
        {
            if (_exited.Task.IsCompleted && !IsGroupAlive())
            {
                return;
            }

            // Descendants give no notification when they die, so the group is polled briefly; the leader's exit is awaited.
            var step = grace - clock.Elapsed;
            if (step > TimeSpan.FromMilliseconds(20))
            {
                step = TimeSpan.FromMilliseconds(20);
            }

            if (step > TimeSpan.Zero)
            {
                await Task.WhenAny(_exited.Task, Task.Delay(step, cancellationToken)).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }

        SignalGroup(Signals.SIGKILL);
    }

    /// <summary>
    /// Makes <see cref="Read"/> return 0 as soon as no data is immediately available, without closing the terminal.
    /// Used to finish draining when descendants keep the terminal open after the child exited.
    /// </summary>
    public void StopReading()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            Wake();
        }
    }

    /// <summary>Closes the master side (never throws). Blocked reads and writes return; the child is not waited for.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Interlocked.Exchange(ref _stopped, 1);
        Wake();

        // SafeHandle defers the real close() until in-flight Read/Write calls release their reference,
        // so an fd number is never closed under a syscall that still uses it.
        _master.Dispose();
        _wakeRead.Dispose();
        _wakeWrite.Dispose();
    }

    private static PtyStartResult PtyFailure(string call, int errno) =>
        PtyStartResult.Failure(PtyErrorKind.PtyFailed, errno, $"{call} failed: {Marshal.GetPInvokeErrorMessage(errno)}.");

    private static bool IsExecutableFile(string path) =>
        File.Exists(path) && !Directory.Exists(path) && Libc.Access(path, Libc.X_OK) == 0;

    private static unsafe bool TryGetSlavePath(int masterFd, out string path, out int error)
    {
        var buffer = stackalloc byte[256];
        error = Libc.PtsnameR(masterFd, buffer, 256);
        if (error != 0)
        {
            path = string.Empty;
            return false;
        }

        path = Marshal.PtrToStringUTF8((nint)buffer) ?? string.Empty;
        return path.Length > 0;
    }

    private static unsafe int SetWindowSize(int fd, int columns, int rows)
    {
        var size = new WinSize { Columns = (ushort)columns, Rows = (ushort)rows };
        return Libc.Ioctl(fd, Libc.TIOCSWINSZ, &size) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private static unsafe bool TryCreateWakePipe([NotNullWhen(true)] out SafeFileHandle? read, [NotNullWhen(true)] out SafeFileHandle? write, out int error)
    {
        var fds = stackalloc int[2];
        if (Libc.Pipe2(fds, Libc.O_CLOEXEC | Libc.O_NONBLOCK) != 0)
        {
            error = Marshal.GetLastPInvokeError();
            read = null;
            write = null;
            return false;
        }

        error = 0;
        read = new SafeFileHandle(fds[0], ownsHandle: true);
        write = new SafeFileHandle(fds[1], ownsHandle: true);
        return true;
    }

    private static void ReleaseIf(bool added, SafeHandle handle)
    {
        if (added)
        {
            handle.DangerousRelease();
        }
    }

    private unsafe void Wake()
    {
        var added = false;
        try
        {
            _wakeWrite.DangerousAddRef(ref added);
            byte one = 1;
            // The pipe is never drained: once written, every later poll sees it readable, which is what we want.
            _ = Libc.Write((int)_wakeWrite.DangerousGetHandle(), &one, 1);
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            ReleaseIf(added, _wakeWrite);
        }
    }

    /// <summary>Waits until the master is ready for <paramref name="events"/>; false if woken by a stop or dispose.</summary>
    private unsafe bool WaitFor(int masterFd, short events)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = masterFd, Events = events };
        fds[1] = new PollFd { Fd = (int)_wakeRead.DangerousGetHandle(), Events = Libc.POLLIN };
        while (true)
        {
            var n = Libc.Poll(fds, 2, -1);
            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }

                throw new IOException($"poll on pseudo-terminal failed: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
            }

            if (fds[0].Revents != 0)
            {
                // Readable, writable, or hung up: the next read/write reports which.
                return true;
            }

            if (fds[1].Revents != 0)
            {
                return false;
            }
        }
    }

    /// <summary>Reaps the child if it has exited (never blocks); completes <see cref="Exited"/> once.</summary>
    private unsafe void TryReap()
    {
        // Two SIGCHLDs handled at once must not race: the second waitpid would see ECHILD and report a lost status.
        lock (_reapLock)
        {
            if (_exited.Task.IsCompleted)
            {
                return;
            }

            int status;
            int r;
            do
            {
                r = Libc.Waitpid(Pid, &status, Libc.WNOHANG);
            }
            while (r < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR);

            if (r == 0)
            {
                return;
            }

            // ECHILD means someone else reaped our child (a SIGCHLD=SIG_IGN host, or a foreign waitpid(-1)):
            // the status is lost, but waiters must not hang.
            _exited.TrySetResult(r == Pid ? PtyExitStatus.FromWaitStatus(status) : new PtyExitStatus(null, null));
            _childSignal?.Dispose(); // null when a signal is handled before the constructor assigned it
        }
    }
}
