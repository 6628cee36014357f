using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Web;

namespace Coven.Daemon.Api;

/// <summary>The web cockpit's loopback listener (docs/web.md): start, status, stop. Socket only (the listener refuses /api/v1/web).</summary>
internal static class WebEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/web", async (HttpContext ctx, WebCockpit cockpit, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.WebStartRequest, new WebStartRequest(), ct);
            if (error is not null)
            {
                return error;
            }

            return request!.Port is { } port and (< 1024 or > 65535)
                ? ApiErrors.InvalidRequest("port must be 1024-65535 (or absent for a free port).")
                : await cockpit.StartAsync(request.Port, ct);
        }).WithName("web.start").WithSummary("Start the web cockpit on 127.0.0.1 (or answer the running one): its URL with a fresh token.")
            .Body<WebStartRequest>(optional: true).Answers<WebStatusResponse>().Errors(400, 409, 503);

        app.MapGet("/api/v1/web", (WebCockpit cockpit) => ApiResult.Ok(cockpit.Status(), CovenJsonContext.Default.WebStatusResponse))
            .WithName("web.status").WithSummary("Whether the web cockpit listens, and where.")
            .Answers<WebStatusResponse>().Errors();

        app.MapDelete("/api/v1/web", (WebCockpit cockpit) => cockpit.StopAsync())
            .WithName("web.stop").WithSummary("Stop the web cockpit's listener; its token stops working.")
            .Answers<WebStatusResponse>().Errors();
    }
}
