using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Cast;
using Coven.Daemon.Handoff;
using Coven.Daemon.Sessions;

namespace Coven.Daemon.Api;

/// <summary>Cast Codes, and the direct routes of the two operations only a cast had before: resume and handoff.</summary>
internal static class CastEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/cast-codes", () => ApiResult.Ok(CastCatalog.Response, CovenJsonContext.Default.CastCatalogResponse))
            .WithName("cast-codes").WithSummary("The Cast Code catalog: codes, descriptions, examples and the action each maps to.")
            .Answers<CastCatalogResponse>().Errors();

        app.MapPost("/api/v1/cast", async (HttpContext ctx, CastService casts, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.CastRequest, null, ct);
            return error ?? await casts.CastAsync(request!, ct);
        }).WithName("cast").WithSummary("Parse a Cast Code and run the action it maps to, with that action's validation and answers.")
            .Body<CastRequest>().Answers<CastResponse>().Answers<CastResponse>(201).Answers<CastResponse>(202).Errors(400, 404, 409, 503);

        app.MapPost("/api/v1/sessions/{id}/resume", async (string id, HttpContext ctx, ResumeService resumes, CancellationToken ct) =>
        {
            var (size, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.ResizeRequest, new Coven.Core.Api.ResizeRequest(), ct);
            return error ?? await resumes.ResumeAsync(id, new ResumeOptions(size!.Cols, size.Rows), ct);
        }).WithName(ResumeService.Action).WithSummary("Resume an ended session with its harness's resume mechanism, as a new linked session (201).")
            .Body<Coven.Core.Api.ResizeRequest>(optional: true).Answers<SessionDto>(201).Errors(400, 404, 409, 503);

        app.MapGet("/api/v1/sessions/{id}/handoff", (string id, HttpContext ctx, HandoffService handoffs, CancellationToken ct) =>
        {
            if (!QueryValues.TryGetLong(ctx.Request.Query, "lines", HandoffService.DefaultLines, 1, HandoffService.MaxLines, out var lines, out var error))
            {
                return Task.FromResult(error!);
            }

            return handoffs.GetAsync(id, QueryValues.GetString(ctx.Request.Query, "format"), (int)lines, ct);
        }).WithName(HandoffService.Action).WithSummary("Untrusted handoff context for a session (?format=prompt renders it as a prompt; ?lines=N).")
            .AnswersOneOf<HandoffDocument, HandoffPromptResponse>().Errors(400, 404)
            .Query("format", "string", "json (default) or prompt.")
            .Query("lines", "integer", "How many lines of recent output to include.");
    }
}
