using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Resume: a new session in the old one's root and cwd, launched with the harness's own resume argv for the old
/// session's conversation (<c>codex resume &lt;id&gt;</c>, <c>claude --resume &lt;id&gt;</c>; when that id is unknown, the
/// harness's latest conversation there: <c>codex resume --last</c>, <c>claude --continue</c>, and the new session's
/// <c>conversationId</c> is null), linked by <c>resumedFrom</c>. Only an ended session
/// (finished, failed, orphaned) can be resumed; live, pending and archived ones get 409 invalid_transition.
/// The launch itself goes through <see cref="SessionService.LaunchAsync(LaunchRequest, LaunchOverrides?, CancellationToken)"/>,
/// so every launch check applies.
/// </summary>
internal sealed class ResumeService(CovenStore store, SessionService sessions)
{
    public const string Action = SessionActions.Resume;

    private static readonly SessionStatus[] s_ended = [SessionStatus.Finished, SessionStatus.Failed, SessionStatus.Orphaned];

    /// <summary>Resumes the session with this exact id (the direct route).</summary>
    public Task<ApiResult> ResumeAsync(string? rawId, ResumeOptions? options, CancellationToken cancellationToken)
    {
        if (!SessionId.TryParse(rawId, out var id) || store.Sessions.Get(id) is not { } session)
        {
            return Task.FromResult(ApiErrors.SessionNotFound(rawId));
        }

        return ResumeAsync(session, options, cancellationToken);
    }

    public Task<ApiResult> ResumeAsync(SessionRecord old, ResumeOptions? options, CancellationToken cancellationToken)
    {
        if (!s_ended.Contains(old.Status))
        {
            var why = old.Status == SessionStatus.Archived
                ? "session.resume is not permitted while the session is archived; summon it first."
                : $"session.resume is not permitted while the session is {WireNames.Of(old.Status)}; only an ended session can be resumed.";
            return Task.FromResult(ApiErrors.InvalidTransition(old, Action, why));
        }

        var familiar = old.Familiar is { } name ? store.Familiars.Get(name) : null;
        var request = new LaunchRequest
        {
            ProjectRoot = old.ProjectRoot,
            Cwd = old.Cwd,
            Harness = old.Harness,
            Title = "resume: " + old.Title,
            Cols = options?.Cols ?? old.Columns,
            Rows = options?.Rows ?? old.Rows,
        };
        var overrides = new LaunchOverrides
        {
            ResumedFrom = old.Id,
            Familiar = old.Familiar,
            ExtraArguments = familiar is not null && familiar.Harness == old.Harness ? familiar.Args : [],
            ConversationId = old.ConversationId,
        };
        return sessions.LaunchAsync(request, overrides, cancellationToken);
    }

    /// <summary>The most recently ended (not archived) session of a project root, or null.</summary>
    public SessionRecord? LatestEnded(string projectRoot) =>
        store.Sessions.List(new SessionQuery { ProjectRoot = projectRoot, Statuses = s_ended, Limit = 200 }).Sessions
            .OrderByDescending(s => s.UpdatedAt)
            .ThenByDescending(s => s.Id.Value, StringComparer.Ordinal)
            .FirstOrDefault();
}
