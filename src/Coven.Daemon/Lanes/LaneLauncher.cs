using System.Diagnostics;
using System.Text.Json;
using Coven.Core;
using Coven.Daemon.Hosting;

namespace Coven.Daemon.Lanes;

/// <summary>
/// Starts <c>coven-lane</c> for a pending session and reads its one-line report. The lane inherits the daemon's
/// environment (it builds the harness environment from it plus the spec's overrides). Lanes are never killed
/// when the daemon stops: they outlive it by design. The daemon only reaps the ones it started.
/// </summary>
internal sealed partial class LaneLauncher(DaemonOptions options, ILogger<LaneLauncher> logger)
{
    /// <param name="callerEnvironment">
    /// The harness's base environment instead of the daemon's: written as one JSON object to the lane's stdin pipe
    /// (never an argv, the store or a log), announced by COVEN_LANE_ENV_STDIN.
    /// </param>
    public async Task<LaneStartResult> StartAsync(SessionId session, IReadOnlyDictionary<string, string>? callerEnvironment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(options.LanePath)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardInput = callerEnvironment is not null,
            RedirectStandardError = false,
            WorkingDirectory = options.Paths.Home,
        };
        info.ArgumentList.Add("--session");
        info.ArgumentList.Add(session.Value);
        info.ArgumentList.Add("--home");
        info.ArgumentList.Add(options.Paths.Home);
        foreach (var argument in InheritedLimits.LaneArguments())
        {
            info.ArgumentList.Add(argument);
        }

        if (callerEnvironment is not null)
        {
            info.Environment[EnvironmentStdinFlag] = "1";
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new LaneStartResult { Outcome = LaneStartOutcome.SpawnFailed, Reason = $"cannot start coven-lane at '{options.LanePath}': {e.Message}" };
        }

        // Reap the lane whenever it exits; the Process object is the daemon's only handle on its child.
        _ = ReapAsync(process);
        if (callerEnvironment is not null)
        {
            await SendEnvironmentAsync(process, callerEnvironment);
        }

        string? line;
        using (var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            cts.CancelAfter(options.LaunchTimeout);
            try
            {
                line = await process.StandardOutput.ReadLineAsync(cts.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                line = null;
            }
            catch (IOException)
            {
                line = null;
            }
        }

        var result = Parse(line);
        if (result is null)
        {
            TryKill(process);
            var why = line is null
                ? $"coven-lane did not report within {Durations.Format(options.LaunchTimeout)}"
                : "coven-lane sent an unreadable report";
            return new LaneStartResult { Outcome = LaneStartOutcome.Lost, Reason = why };
        }

        return result;
    }

    /// <summary>The lane's name for "an environment follows on stdin" (Coven.Lane.CallerEnvironment).</summary>
    private const string EnvironmentStdinFlag = "COVEN_LANE_ENV_STDIN";

    private static async Task SendEnvironmentAsync(Process process, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            var stdin = process.StandardInput.BaseStream;
            await using (var writer = new Utf8JsonWriter(stdin))
            {
                writer.WriteStartObject();
                foreach (var (name, value) in environment)
                {
                    writer.WriteString(name, value);
                }

                writer.WriteEndObject();
            }

            await stdin.FlushAsync();
        }
        catch (IOException)
        {
            // The lane died before reading: its report (or its silence) says what happened.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
    }

    private static LaneStartResult? Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("ok", out var ok))
            {
                return null;
            }

            if (ok.ValueKind == JsonValueKind.True)
            {
                return new LaneStartResult
                {
                    Outcome = LaneStartOutcome.Started,
                    LanePid = root.TryGetProperty("lanePid", out var lp) && lp.TryGetInt32(out var l) ? l : 0,
                    HarnessPid = root.TryGetProperty("harnessPid", out var hp) && hp.TryGetInt32(out var h) ? h : 0,
                    Cwd = root.TryGetProperty("cwd", out var cwd) && cwd.ValueKind == JsonValueKind.String ? cwd.GetString() : null,
                };
            }

            return new LaneStartResult
            {
                Outcome = LaneStartOutcome.SpawnFailed,
                Reason = root.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : "the lane could not start the harness",
                Errno = root.TryGetProperty("errno", out var en) && en.TryGetInt32(out var n) ? n : null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void TryKill(Process process)
    {
        try
        {
            // The lane called setsid, so it leads its own group: take the group down with it (harness included).
            if (ProcessIdentity.TryRead(process.Id, out var identity) && identity.TryGetProcessGroup(out var pgid) && pgid == process.Id)
            {
                _ = Interop.Libc.Kill(-pgid, Signals.SIGKILL);
            }

            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            LogKillFailed(process.Id, e.Message);
        }
    }

    private static async Task ReapAsync(Process process)
    {
        try
        {
            await process.WaitForExitAsync(CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            process.Dispose();
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.LaunchLost, Level = LogLevel.Warning, Message = "Could not kill unresponsive lane {Pid}: {Reason}")]
    private partial void LogKillFailed(int pid, string reason);
}
