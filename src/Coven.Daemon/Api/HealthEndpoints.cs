using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Hosting;
using Coven.Daemon.Supervision;

namespace Coven.Daemon.Api;

internal static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/health", async (DaemonOptions options, DaemonClock clock, LaneMonitors monitors, StoreIntegrity integrity, StoreStatus storeStatus, CancellationToken ct) =>
        {
            // A session launched a moment ago is listed with its lane once its monitor is connected.
            await monitors.AwaitLaunchesAsync(ct);
            return ApiResult.Ok(
                new HealthResponse
                {
                    CovenVersion = ProductVersion.Number,
                    Daemon = new DaemonInfo
                    {
                        Pid = Environment.ProcessId,
                        StartedAt = Timestamps.Of(clock.StartedAt),
                        Socket = options.Paths.Socket,
                        Version = ProductVersion.Number,
                    },
                    Capabilities = new HealthCapabilities
                    {
                        Sessions = true,
                        Events = true,
                        EventCursor = true,
                        StructuredErrors = true,
                        Streaming = true,
                        Rituals = true,
                        ControlPlane = true,
                        Screen = monitors.ScreenSupported,
                        CastCodes = true,
                    },
                    Lanes =
                    [
                        .. monitors.Connected().Select(m => new LaneHealth(m.Id.Value, m.Lane?.Pid, m.LaneVersion) { Protocol = m.LaneProtocol })
                            .Concat(monitors.Refused().Select(r => new LaneHealth(r.Key.Value, r.Value.Lane?.Pid, r.Value.LaneVersion)
                            {
                                Protocol = r.Value.LaneProtocol,
                                Status = "refused",
                                Reason = r.Value.Reason,
                            }))
                            .OrderBy(l => l.SessionId, StringComparer.Ordinal),
                    ],
                    Store = integrity.Current with { State = storeStatus.Current.State, LastError = storeStatus.Current.Error },
                },
                CovenJsonContext.Default.HealthResponse);
        })
            .WithName("health").WithSummary("Handshake: API version and capability flags.")
            .Answers<HealthResponse>().Errors();
    }
}
