using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Rituals;

namespace Coven.Daemon.Api;

internal static class RitualEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/rituals/schedules", (RitualService rituals, CancellationToken ct) => rituals.ListAsync(ct))
            .WithName("rituals.list").WithSummary("Ritual schedules with their last and next runs.")
            .Answers<RitualSchedulesResponse>().Errors();

        app.MapPost("/api/v1/rituals/schedules", async (HttpContext ctx, RitualService rituals, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.RitualScheduleRequest, null, ct);
            return error ?? await rituals.AddAsync(request!, ct);
        }).WithName("rituals.schedule").WithSummary("Add a ritual schedule (201).")
            .Body<RitualScheduleRequest>().Answers<RitualScheduleDto>(201).Errors(400);

        app.MapPost("/api/v1/rituals/schedules/defaults", async (HttpContext ctx, RitualService rituals, CancellationToken ct) =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null, ct);
            return await rituals.AddDefaultsAsync(ct);
        }).WithName("rituals.defaults").WithSummary("Install the shipped default schedules (idempotent).")
            .Answers<RitualSchedulesResponse>(201).Errors();

        app.MapDelete("/api/v1/rituals/schedules/{id}", (string id, RitualService rituals, CancellationToken ct) => rituals.RemoveAsync(id, ct))
            .WithName("rituals.unschedule").WithSummary("Remove a ritual schedule (204).")
            .Produces(204).Errors(404);

        app.MapPost("/api/v1/rituals/schedules/{id}/run", async (string id, HttpContext ctx, RitualService rituals, CancellationToken ct) =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null, ct);
            if (!QueryValues.TryGetBool(ctx.Request.Query, "dryRun", out var dryRun, out var error))
            {
                return error!;
            }

            return await rituals.RunNowAsync(id, ct, dryRun);
        }).WithName("rituals.run").WithSummary("Run a schedule now; returns the affected session ids.")
            .Answers<RitualRunResponse>().Errors(400, 404)
            .Query("dryRun", "boolean", "List what the ritual would affect without doing it.");
    }
}
