using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;

namespace Coven.Daemon.Sessions;

/// <summary>The worktree step of a launch, between planning and the row (docs/worktrees.md).</summary>
internal sealed partial class SessionService
{
    /// <summary>
    /// With <c>worktree: true</c> (or unset, for a familiar whose default it is): creates the session's worktree and moves the plan's root and cwd into it. A resume
    /// of a worktree session shares its predecessor's worktree (the plan already runs there). Null error: go on.
    /// </summary>
    private async Task<(LaunchPlan Plan, ApiResult? Error)> PrepareWorktreeAsync(SessionId id, LaunchRequest request, LaunchOverrides? resume, LaunchPlan plan, CancellationToken cancellationToken)
    {
        if (resume is not null)
        {
            if (store.Worktrees.Get(resume.ResumedFrom.Value) is { } shared)
            {
                store.Worktrees.Add(id.Value, shared.Path, shared.Branch, shared.BaseCommit, shared.Repository);
            }

            return (plan, null);
        }

        if ((request.Worktree ?? plan.FamiliarWorktree) != true)
        {
            return (plan, request.Base is null ? null : ApiErrors.InvalidRequest("base needs worktree: true."));
        }

        var created = await worktrees.CreateAsync(id, plan.ProjectRoot, plan.WorkingDirectory, request.Base, cancellationToken);
        if (created.Error is { } error)
        {
            return (plan, error);
        }

        return (plan with
        {
            ProjectRoot = created.ProjectRoot!,
            WorkingDirectory = created.WorkingDirectory!,
            Spec = plan.Spec with { WorkingDirectory = created.WorkingDirectory! },
        }, null);
    }

    /// <summary>After a sacrifice: the worktree goes, its branch only when merged (or asked to).</summary>
    private async Task RemoveWorktreeAsync(SessionId id, SacrificeRequest request, CancellationToken cancellationToken)
    {
        if (store.Worktrees.Get(id.Value) is { } worktree)
        {
            await worktrees.RemoveAsync(worktree, request.DeleteBranch == true, force: true, cancellationToken);
        }
    }
}
