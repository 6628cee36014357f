using Coven.Core;
using Coven.Daemon.Rituals;

namespace Coven.Daemon.Api;

internal static class RitualEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/rituals/schedules", (RitualService rituals, CancellationToken ct) => rituals.ListAsync(ct))
            .WithName("rituals.list").WithSummary("Ritual schedules with their last and next runs.");

        app.MapPost("/api/v1/rituals/schedules", async (HttpContext ctx, RitualService rituals, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.RitualScheduleRequest, null, ct);
            return error ?? await rituals.AddAsync(request!, ct);
        }).WithName("rituals.schedule").WithSummary("Add a ritual schedule (201).");

        app.MapPost("/api/v1/rituals/schedules/defaults", async (HttpContext ctx, RitualService rituals, CancellationToken ct) =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null, ct);
            return await rituals.AddDefaultsAsync(ct);
        }).WithName("rituals.defaults").WithSummary("Install the shipped default schedules (idempotent).");

        app.MapDelete("/api/v1/rituals/schedules/{id}", (string id, RitualService rituals, CancellationToken ct) => rituals.RemoveAsync(id, ct))
            .WithName("rituals.unschedule").WithSummary("Remove a ritual schedule (204).");

        app.MapPost("/api/v1/rituals/schedules/{id}/run", async (string id, HttpContext ctx, RitualService rituals, CancellationToken ct) =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null, ct);
            if (!QueryValues.TryGetBool(ctx.Request.Query, "dryRun", out var dryRun, out var error))
            {
                return error!;
            }

            return await rituals.RunNowAsync(id, ct, dryRun);
        }).WithName("rituals.run").WithSummary("Run a schedule now; returns the affected session ids.");
    }
}
