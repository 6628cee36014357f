using System.Net.Sockets;
using System.Text.Json;
using Coven.Core;
using Coven.Interop;

namespace Coven.Daemon.Hosting;

/// <summary>
/// One daemon per COVEN_HOME. An exclusive flock on daemon.lock closes the race between two daemons starting at
/// once (the kernel drops it when the holder dies, even by SIGKILL); the socket probe then tells a live daemon that
/// predates the lock from a stale socket file left by a crash.
/// </summary>
internal sealed class SingleInstance : IDisposable
{
    private readonly FileStream _lockFile;
    private readonly CovenPaths _paths;

    private SingleInstance(FileStream lockFile, CovenPaths paths)
    {
        _lockFile = lockFile;
        _paths = paths;
    }

    /// <summary>Takes the lock and clears a stale socket; null with a user-facing message when another daemon runs.</summary>
    public static SingleInstance? TryAcquire(CovenPaths paths, out string? message)
    {
        message = null;
        CovenPaths.EnsurePrivateDirectory(paths.Home);
        CovenPaths.EnsurePrivateDirectory(paths.LanesDir);
        CovenPaths.EnsurePrivateDirectory(paths.LogsDir);

        var lockPath = Path.Combine(paths.Home, "daemon.lock");
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, new FileStreamOptions
            {
                Mode = FileMode.OpenOrCreate,
                Access = FileAccess.ReadWrite,
                Share = FileShare.ReadWrite,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException)
        {
            // .NET takes its own advisory lock when opening; a running daemon's exclusive flock makes that fail.
            message = AlreadyRunning(paths);
            return null;
        }

        if (Libc.Flock((int)stream.SafeFileHandle.DangerousGetHandle(), Libc.LOCK_EX | Libc.LOCK_NB) != 0)
        {
            stream.Dispose();
            message = AlreadyRunning(paths);
            return null;
        }

        if (Path.Exists(paths.Socket))
        {
            if (SocketAnswers(paths.Socket))
            {
                stream.Dispose();
                message = AlreadyRunning(paths);
                return null;
            }

            File.Delete(paths.Socket);
        }

        return new SingleInstance(stream, paths);
    }

    /// <summary>Writes daemon.json atomically (temp file with mode 0600, then rename).</summary>
    public void WriteInfo(DaemonInfoDocument info)
    {
        var temp = _paths.DaemonInfo + ".tmp";
        using (var file = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            JsonSerializer.Serialize(file, info, DaemonJsonContext.Default.DaemonInfoDocument);
            file.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, _paths.DaemonInfo, overwrite: true);
    }

    /// <summary>Clean shutdown: daemon.json and the socket go away; the lock is released by closing the file.</summary>
    public void RemoveInfo()
    {
        TryDelete(_paths.DaemonInfo);
        TryDelete(_paths.Socket);
    }

    public void Dispose() => _lockFile.Dispose();

    private static string AlreadyRunning(CovenPaths paths)
    {
        var pid = ReadPid(paths);
        return pid is { } p ? $"covend is already running (pid {p})" : "covend is already running";
    }

    private static int? ReadPid(CovenPaths paths)
    {
        try
        {
            var info = JsonSerializer.Deserialize(File.ReadAllText(paths.DaemonInfo), DaemonJsonContext.Default.DaemonInfoDocument);
            return info?.Pid;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool SocketAnswers(string path)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
