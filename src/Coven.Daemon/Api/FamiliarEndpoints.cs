using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Familiars;

namespace Coven.Daemon.Api;

internal static class FamiliarEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/familiars", (HttpContext ctx, FamiliarService familiars) => familiars.List(QueryValues.GetString(ctx.Request.Query, "projectRoot")))
            .WithName("familiars.list").WithSummary("Built-in and defined familiars; with ?projectRoot=, that root's active familiar.")
            .Answers<FamiliarsResponse>().Errors(400)
            .Query("projectRoot", "string", "Also report this project root's active familiar.");

        app.MapPost("/api/v1/familiars", async (HttpContext ctx, FamiliarService familiars, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.FamiliarRequest, null, ct);
            return error ?? familiars.Add(request!);
        }).WithName("familiars.add").WithSummary("Define (or redefine) a familiar: name, harness, optional model and args.")
            .Body<FamiliarRequest>().Answers<FamiliarDto>(201).Answers<FamiliarDto>().Errors(400);

        app.MapDelete("/api/v1/familiars/{name}", (string name, FamiliarService familiars) => familiars.Remove(name))
            .WithName("familiars.remove").WithSummary("Remove a defined familiar (built-in harness familiars cannot be removed).")
            .Answers<FamiliarRemovedResponse>().Errors(400, 404);

        app.MapPost("/api/v1/familiars/active", async (HttpContext ctx, FamiliarService familiars, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.ActiveFamiliarRequest, null, ct);
            return error ?? familiars.SetActive(request!);
        }).WithName("familiars.switch").WithSummary("Set a project root's active familiar (what ~>NAME does).")
            .Body<ActiveFamiliarRequest>().Answers<ActiveFamiliarResponse>().Errors(400);
    }
}
