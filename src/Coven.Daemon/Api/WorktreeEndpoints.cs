using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Worktrees;

namespace Coven.Daemon.Api;

/// <summary>Session worktrees (api.md "Worktrees"): diff, merge, list and prune.</summary>
internal static class WorktreeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/sessions/{id}/diff", (string id, HttpContext ctx, WorktreeService worktrees, CancellationToken ct) =>
            QueryValues.TryGetBool(ctx.Request.Query, "stat", out var stat, out var error) ? worktrees.DiffAsync(id, stat, ct) : Task.FromResult(error!))
            .WithName("session.diff").WithSummary("What a worktree session changed against its base (committed and uncommitted).")
            .Answers<WorktreeDiffResponse>().Errors(400, 404, 409)
            .Query("stat", "boolean", "Only the stat, no patch.");

        app.MapPost("/api/v1/sessions/{id}/merge", async (string id, HttpContext ctx, WorktreeService worktrees, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.MergeRequest, new MergeRequest(), ct);
            return error ?? await worktrees.MergeAsync(id, request!, ct);
        }).WithName("session.merge").WithSummary("Merge a worktree session's branch into the branch the repository's main work tree is on.")
            .Body<MergeRequest>().Answers<MergeResponse>().Errors(400, 404, 409);

        app.MapGet("/api/v1/worktrees", (WorktreeService worktrees, CancellationToken ct) => worktrees.ListAsync(ct))
            .WithName("worktrees.list").WithSummary("Session worktrees with status, branch, ahead/behind and dirty.")
            .Answers<WorktreeListResponse>().Errors();

        app.MapPost("/api/v1/worktrees/prune", async (HttpContext ctx, WorktreeService worktrees, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.WorktreePruneRequest, new WorktreePruneRequest(), ct);
            return error ?? await worktrees.PruneAsync(request!, ct);
        }).WithName("worktrees.prune").WithSummary("Remove worktrees of gone (and, with olderThan, long-ended) sessions; unmerged work kept unless force.")
            .Body<WorktreePruneRequest>().Answers<WorktreePruneResponse>().Errors(400);
    }
}
