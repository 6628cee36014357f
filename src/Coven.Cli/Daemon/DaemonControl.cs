using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Coven.Cli.Api;
using Coven.Interop;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Daemon;

/// <summary>Finding, starting and stopping covend for one COVEN_HOME.</summary>
internal static class DaemonControl
{
    /// <summary>How long a start may take before we give up (first start runs migrations, JIT).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    /// <summary>covend next to coven (AppContext.BaseDirectory), unless COVEN_DAEMON_PATH says otherwise.</summary>
    public static string DaemonExecutable(Func<string, string?> env)
    {
        var overridePath = env("COVEN_DAEMON_PATH");
        return string.IsNullOrEmpty(overridePath) ? Path.Combine(AppContext.BaseDirectory, "covend") : overridePath;
    }

    public static string ConsoleLog(CovenPaths paths) => Path.Combine(paths.LogsDir, "covend.console.log");

    public static string DaemonLog(CovenPaths paths) => Path.Combine(paths.LogsDir, "covend.log");

    /// <summary>Health if the daemon answers, else null.</summary>
    public static async Task<HealthResponse?> TryHealthAsync(CovenClient client, CancellationToken ct)
    {
        try
        {
            return await client.HealthAsync(ct);
        }
        catch (CliException e) when (e.Code == "daemon_unreachable")
        {
            return null;
        }
    }

    /// <summary>Spawns covend and waits (bounded) until it answers health. Returns its health.</summary>
    public static async Task<HealthResponse> StartAsync(CovenPaths paths, Func<string, string?> env, CancellationToken ct)
    {
        // A client of its own: the caller's may be the one whose failed request is starting the daemon.
        var client = new CovenClient(paths.Socket, TimeSpan.FromSeconds(5));
        var exe = DaemonExecutable(env);
        if (!File.Exists(exe))
        {
            throw CliException.Unreachable($"cannot start the daemon: {exe} does not exist (set COVEN_DAEMON_PATH)");
        }

        try
        {
            CovenPaths.EnsurePrivateDirectory(paths.Home);
            CovenPaths.EnsurePrivateDirectory(paths.LogsDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CliException.Unreachable($"cannot start the daemon: COVEN_HOME {paths.Home} cannot be created or used: {e.Message}");
        }

        var consoleLog = ConsoleLog(paths);
        var pid = DaemonSpawner.Spawn(exe, ["--home", paths.Home], consoleLog);

        var sw = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (await TryHealthAsync(client, ct) is { } health)
            {
                return health;
            }

            if (DaemonSpawner.TryReap(pid, out var status))
            {
                // Another coven may have started a daemon at the same moment: ours lost the socket race.
                if (await TryHealthAsync(client, ct) is { } other)
                {
                    return other;
                }

                throw CliException.Unreachable($"covend exited during start-up ({DescribeWaitStatus(status)}); see {consoleLog} and {DaemonLog(paths)}");
            }

            if (sw.Elapsed > StartTimeout)
            {
                throw CliException.Unreachable($"covend (pid {pid}) did not answer on {paths.Socket} within {StartTimeout.TotalSeconds:0}s; see {consoleLog}");
            }

            await Task.Delay(20, ct);
        }
    }

    /// <summary>
    /// Sends SIGTERM to the daemon and waits (bounded) until its socket stops answering and the process is gone.
    /// Returns the pid stopped, or null when no daemon was running.
    /// </summary>
    public static async Task<int?> StopAsync(CovenPaths paths, CovenClient client, CancellationToken ct)
    {
        var health = await TryHealthAsync(client, ct);
        var pid = health?.Daemon.Pid ?? ReadInfoPid(paths);
        if (health is null && (pid is null || !IsAlive(pid.Value)))
        {
            return null;
        }

        if (pid is null)
        {
            throw new CliException("daemon_pid_unknown", "the daemon answers but its pid is unknown; stop it by hand");
        }

        if (Libc.Kill(pid.Value, Signals.SIGTERM) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Libc.ESRCH)
            {
                throw new CliException("stop_failed", $"cannot signal daemon pid {pid}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        var sw = Stopwatch.StartNew();
        while (await TryHealthAsync(client, ct) is not null || IsAlive(pid.Value))
        {
            if (sw.Elapsed > StopTimeout)
            {
                throw new CliException("stop_failed", $"daemon pid {pid} is still running {StopTimeout.TotalSeconds:0}s after SIGTERM");
            }

            DaemonSpawner.TryReap(pid.Value, out _);
            await Task.Delay(20, ct);
        }

        return pid;
    }

    public static bool IsAlive(int pid)
    {
        if (Libc.Kill(pid, 0) == 0)
        {
            // A zombie still answers kill(0); it is gone for our purposes.
            return ProcStat.TryRead(pid, out var stat) && !stat.IsDead;
        }

        return Marshal.GetLastPInvokeError() == Libc.EPERM;
    }

    /// <summary>The pid recorded in daemon.json, if the file exists and has one.</summary>
    public static int? ReadInfoPid(CovenPaths paths)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(paths.DaemonInfo));
            return doc.RootElement.TryGetProperty("pid", out var p) && p.TryGetInt32(out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    private static string DescribeWaitStatus(int status)
    {
        var sig = status & 0x7f;
        return sig == 0 ? $"exit code {(status >> 8) & 0xff}" : $"killed by {Signals.Name(sig)}";
    }
}
