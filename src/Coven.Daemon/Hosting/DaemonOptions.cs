using Coven.Core;

namespace Coven.Daemon.Hosting;

/// <summary>The daemon's settings, read once at start (command line and environment).</summary>
internal sealed record DaemonOptions
{
    public required CovenPaths Paths { get; init; }

    /// <summary>coven-lane: next to covend unless COVEN_LANE_PATH says otherwise.</summary>
    public required string LanePath { get; init; }

    /// <summary>Liveness sweep and pending-timeout period (COVEN_SWEEP_INTERVAL, e.g. "2s").</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a new lane has to report that the harness runs.</summary>
    public TimeSpan LaunchTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A pending session older than this with no launch in flight is declared lost.</summary>
    public TimeSpan PendingTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a finished, failed or archived session keeps its <c>logs/lane-&lt;id&gt;.log</c> after it last changed
    /// (COVEN_LANE_LOG_RETENTION, e.g. "7d"); the sweep removes older ones and those of sessions that no longer exist.
    /// </summary>
    public TimeSpan LaneLogRetention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>How long the spare lane waits for a launch before covend retires it (COVEN_SPARE_IDLE, e.g. "10m").</summary>
    public TimeSpan SpareIdle { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long the daemon waits for a lane's control socket to answer.</summary>
    public TimeSpan LaneConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Idle SSE streams get a comment this often.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(15);

    public long MaxRequestBodyBytes { get; init; } = 1024 * 1024;
    public int MaxInputBytes { get; init; } = 64 * 1024;
    public long LogFileMaxBytes { get; init; } = 5 * 1024 * 1024;
    public int LogFilesKept { get; init; } = 3;

    /// <summary>Parses <c>covend [--home DIR] [--foreground]</c>; null with an error message when the arguments are wrong.</summary>
    public static DaemonOptions? Parse(string[] args, out string? error)
    {
        error = null;
        string? home = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--home" when i + 1 < args.Length:
                    home = args[++i];
                    break;
                case "--foreground":
                    break;
                default:
                    error = $"covend: unknown argument '{args[i]}'. Usage: covend [--home DIR] [--foreground]";
                    return null;
            }
        }

        var paths = string.IsNullOrEmpty(home) ? CovenPaths.FromEnvironment() : new CovenPaths(home);
        var lane = Environment.GetEnvironmentVariable("COVEN_LANE_PATH");
        if (string.IsNullOrEmpty(lane))
        {
            lane = Path.Combine(AppContext.BaseDirectory, "coven-lane");
        }

        var options = new DaemonOptions { Paths = paths, LanePath = lane };
        if (Environment.GetEnvironmentVariable("COVEN_SWEEP_INTERVAL") is { Length: > 0 } sweep)
        {
            if (!Durations.TryParse(sweep, out var interval) || interval < TimeSpan.FromMilliseconds(100))
            {
                error = $"covend: COVEN_SWEEP_INTERVAL '{sweep}' is not a duration of at least 100ms.";
                return null;
            }

            options = options with { SweepInterval = interval };
        }

        if (Environment.GetEnvironmentVariable("COVEN_PENDING_TIMEOUT") is { Length: > 0 } pending && Durations.TryParse(pending, out var pendingTimeout))
        {
            options = options with { PendingTimeout = pendingTimeout };
        }

        if (Environment.GetEnvironmentVariable("COVEN_SPARE_IDLE") is { Length: > 0 } spareIdle && Durations.TryParse(spareIdle, out var spareIdleTime))
        {
            options = options with { SpareIdle = spareIdleTime };
        }

        if (Environment.GetEnvironmentVariable("COVEN_LANE_LOG_RETENTION") is { Length: > 0 } retention && Durations.TryParse(retention, out var laneLogRetention))
        {
            options = options with { LaneLogRetention = laneLogRetention };
        }

        return options;
    }
}
