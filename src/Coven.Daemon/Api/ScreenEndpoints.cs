using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Interaction;
using Coven.Daemon.Screens;
using Coven.Store;

namespace Coven.Daemon.Api;

/// <summary>The terminal routes: the screen of a session and waiting on it (docs/api.md).</summary>
internal static class ScreenEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sessions/{id}/screen", async (string id, HttpContext ctx, CovenStore store, ScreenReader screens, Supervision.LaneMonitors monitors, CancellationToken ct) =>
        {
            if (!SessionId.TryParse(id, out var sessionId) || store.Sessions.Get(sessionId) is not { } session)
            {
                return ApiErrors.SessionNotFound(id);
            }

            // A session launched a moment ago may still be connecting its monitor (SessionService.LaunchAsync).
            await monitors.AwaitLaunchAsync(sessionId, ct);
            session = store.Sessions.Get(sessionId) ?? session;

            if (!QueryValues.TryGetBool(ctx.Request.Query, "ansi", out var ansi, out var error))
            {
                return error!;
            }

            var read = await screens.ReadAsync(session, ansi, ct);
            return read.Screen is { } screen ? ApiResult.Ok(screen, CovenJsonContext.Default.ScreenDto) : read.Error!;
        }).WithName("session.screen").WithSummary("The rendered terminal screen: live from the lane, or replayed from the recording once ended.")
            .Answers<ScreenDto>().Errors(400, 404, 409)
            .Query("ansi", "boolean", "Also return the screen with SGR colours and attributes in ansi.");

        app.MapPost("/api/v1/sessions/{id}/wait", async (string id, HttpContext ctx, WaitService waits, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.WaitRequest, null, ct);
            return error ?? await waits.WaitAsync(id, request!, ct);
        }).WithName("session.wait").WithSummary("Block until the screen matches, output settles, or the session ends.")
            .Body<WaitRequest>().Answers<WaitResponse>().Errors(400, 404);
    }
}
