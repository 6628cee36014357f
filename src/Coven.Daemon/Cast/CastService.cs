using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Core.Cast;
using Coven.Daemon.Api;
using Coven.Daemon.Familiars;
using Coven.Daemon.Handoff;
using Coven.Daemon.Hosting;
using Coven.Daemon.Sessions;
using Coven.Store;

namespace Coven.Daemon.Cast;

/// <summary>
/// <c>POST /api/v1/cast</c>: parses a Cast Code and runs the one operation it maps to by calling the same service
/// method as the direct route, so validation, status codes and error bodies are identical. A Cast Code is never
/// authorization: nothing here skips a check the direct route makes.
/// </summary>
internal sealed partial class CastService(
    CovenStore store,
    DaemonOptions options,
    SessionService sessions,
    ResumeService resumes,
    HandoffService handoffs,
    FamiliarService familiars,
    ILogger<CastService> logger)
{
    private static readonly SessionStatus[] s_running = [SessionStatus.Pending, SessionStatus.Live];

    public async Task<ApiResult> CastAsync(CastRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.Code))
        {
            return ApiErrors.InvalidRequest("code is required.");
        }

        var parsed = CastParser.Parse(request.Code);
        if (!parsed.Ok)
        {
            return ApiResult.Error(
                400,
                CastErrorCodes.InvalidCast,
                $"invalid cast code at column {parsed.Error.Column}: {parsed.Error.Message} (expected {parsed.Error.Expected}).",
                new() { ["column"] = parsed.Error.Column, ["expected"] = parsed.Error.Expected });
        }

        var code = parsed.Code;
        SessionRecord? target = null;
        if (!string.IsNullOrWhiteSpace(request.Target))
        {
            var (found, error) = SessionLookup.Find(store, request.Target);
            if (error is not null)
            {
                return error;
            }

            target = found;
        }

        string? root = null;
        if (!string.IsNullOrWhiteSpace(request.ProjectRoot))
        {
            var paths = PathPolicy.Resolve(request.ProjectRoot, null);
            if (!paths.Ok)
            {
                return ApiResult.Error(400, ErrorCodes.ProjectRootInvalid, paths.Message!);
            }

            root = paths.ProjectRoot;
        }

        root ??= target?.ProjectRoot;
        var (action, result) = code.Kind switch
        {
            CastKind.Status => Status(code, root),
            CastKind.Switch => (CastCatalog.SwitchAction, root is null ? NeedsRoot(code) : familiars.SetActive(new ActiveFamiliarRequest { ProjectRoot = root, Familiar = code.Name })),
            CastKind.Delegate => (SessionActions.Launch, root is null ? NeedsRoot(code) : await sessions.LaunchAsync(new LaunchRequest { ProjectRoot = root, Familiar = code.Name, Prompt = code.Text }, cancellationToken)),
            CastKind.Broadcast => (SessionActions.Input, root is null ? NeedsRoot(code) : await BroadcastAsync(code, root, cancellationToken)),
            CastKind.Resume => (ResumeService.Action, await ResumeAsync(code, target, root, cancellationToken)),
            CastKind.Handoff => (HandoffService.Action, await HandoffAsync(code, target, root, cancellationToken)),
            _ => (string.Empty, ApiErrors.InvalidRequest("unsupported cast code.")),
        };

        var kind = CastIntentDto.KindName(code.Kind);
        if (!result.IsSuccess)
        {
            LogCastRefused(kind, action, result.StatusCode, result.ErrorCode ?? "?");
            return result;
        }

        LogCastRan(kind, action, result.StatusCode);

        return ApiResult.Json(
            result.StatusCode,
            new CastResponse { Cast = CastIntentDto.From(code), Action = action, Result = result.Body() },
            CovenJsonContext.Default.CastResponse);
    }

    private (string Action, ApiResult Result) Status(CastCode code, string? root)
    {
        if (code.Name is not { } name)
        {
            if (root is null)
            {
                return (CastCatalog.StatusAction, NeedsRoot(code));
            }

            var live = ListSessions(root, s_running);
            var groups = live
                .GroupBy(FamiliarResolver.Effective, StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new FamiliarGroupDto(g.Key, g.Select(SessionDto.From).ToList()))
                .ToList();
            return (CastCatalog.StatusAction, StatusResult(new CastStatusResponse { ProjectRoot = root, Active = store.Familiars.GetActive(root), Groups = groups }));
        }

        var registry = FamiliarResolver.LoadRegistry(options.Paths.HarnessConfig);
        var isFamiliar = FamiliarResolver.Resolve(store, registry, name) is not null
            || (root is not null && ListSessions(root, null).Any(s => FamiliarResolver.Effective(s) == name));
        if (isFamiliar)
        {
            if (root is null)
            {
                return (CastCatalog.StatusAction, NeedsRoot(code));
            }

            var mine = ListSessions(root, null).Where(s => FamiliarResolver.Effective(s) == name).Select(SessionDto.From).ToList();
            return (CastCatalog.StatusAction, StatusResult(new CastStatusResponse
            {
                ProjectRoot = root,
                Active = store.Familiars.GetActive(root),
                Groups = [new FamiliarGroupDto(name, mine)],
            }));
        }

        if (name.All(c => char.IsAsciiHexDigitLower(c) || c == '-') && name.Length >= 4)
        {
            var (session, error) = SessionLookup.Find(store, name);
            return (CastCatalog.SessionStatusAction, error ?? StatusResult(new CastStatusResponse { Groups = [], Session = SessionDto.From(session!) }));
        }

        return (CastCatalog.StatusAction, FamiliarResolver.UnknownFamiliar(store, name));
    }

    private async Task<ApiResult> BroadcastAsync(CastCode code, string root, CancellationToken cancellationToken)
    {
        var registry = FamiliarResolver.LoadRegistry(options.Paths.HarnessConfig);
        foreach (var name in code.Names)
        {
            if (FamiliarResolver.Resolve(store, registry, name) is null)
            {
                return FamiliarResolver.UnknownFamiliar(store, name);
            }
        }

        var targets = ListSessions(root, [SessionStatus.Live])
            .Where(s => code.Names.Count == 0 || code.Names.Contains(FamiliarResolver.Effective(s)))
            .OrderBy(s => s.Id.Value, StringComparer.Ordinal)
            .ToList();
        // The same validated operation as POST /api/v1/sessions/{id}/input with "submit": true (text, then Enter),
        // once per session; sessions are independent (each has its own lock), so they are submitted concurrently.
        var replies = await Task.WhenAll(targets.Select(session =>
            sessions.InputAsync(session.Id.Value, new InputRequest { Data = code.Text, Submit = true }, cancellationToken)));
        var results = targets.Zip(replies, (session, reply) => new BroadcastResultDto
        {
            SessionId = session.Id.Value,
            Familiar = FamiliarResolver.Effective(session),
            Delivered = reply.IsSuccess,
            Status = reply.StatusCode,
            Error = reply.IsSuccess ? null : reply.Body()?.Deserialize(CovenJsonContext.Default.ErrorEnvelope)?.Error,
        }).ToList();

        return ApiResult.Ok(
            new BroadcastResponse { ProjectRoot = root, Familiars = code.Names, Delivered = results.Count(r => r.Delivered), Results = results },
            CovenJsonContext.Default.BroadcastResponse);
    }

    private async Task<ApiResult> ResumeAsync(CastCode code, SessionRecord? target, string? root, CancellationToken cancellationToken)
    {
        var (session, error) = Named(code, target);
        if (error is not null)
        {
            return error;
        }

        if (session is not null)
        {
            return await resumes.ResumeAsync(session, null, cancellationToken);
        }

        if (root is null)
        {
            return NeedsRoot(code);
        }

        return resumes.LatestEnded(root) is { } latest
            ? await resumes.ResumeAsync(latest, null, cancellationToken)
            : ApiResult.Error(404, ErrorCodes.SessionNotFound, $"no ended session to resume in {root}.", new() { ["projectRoot"] = root });
    }

    private async Task<ApiResult> HandoffAsync(CastCode code, SessionRecord? target, string? root, CancellationToken cancellationToken)
    {
        var (session, error) = Named(code, target);
        if (error is not null)
        {
            return error;
        }

        if (session is null)
        {
            if (root is null)
            {
                return NeedsRoot(code);
            }

            var newest = store.Sessions.List(new SessionQuery { ProjectRoot = root, Limit = 1 }).Sessions;
            session = newest.Count > 0 ? newest[0] : null;
            if (session is null)
            {
                return ApiResult.Error(404, ErrorCodes.SessionNotFound, $"no session to hand off in {root}.", new() { ["projectRoot"] = root });
            }
        }

        if (code.Name is { } to)
        {
            return await handoffs.HandOffToAsync(session, to, cancellationToken);
        }

        var document = await handoffs.BuildAsync(session, HandoffService.DefaultLines, cancellationToken);
        return ApiResult.Ok(document, CovenJsonContext.Default.HandoffDocument);
    }

    /// <summary>The session the code names, else the request's target; (null, null) when neither names one.</summary>
    private (SessionRecord? Session, ApiResult? Error) Named(CastCode code, SessionRecord? target)
    {
        if (code.Session is { } reference)
        {
            var (session, error) = SessionLookup.Find(store, reference);
            if (error is null && target is not null && target.Id != session!.Id)
            {
                return (null, ApiErrors.InvalidRequest($"the code names session {session.Id.Value} but target is {target.Id.Value}; send one of them."));
            }

            return (session, error);
        }

        return (target, null);
    }

    private List<SessionRecord> ListSessions(string root, IReadOnlyList<SessionStatus>? statuses) =>
        [.. store.Sessions.List(new SessionQuery { ProjectRoot = root, Statuses = statuses, Limit = 1000 }).Sessions];

    private static ApiResult StatusResult(CastStatusResponse status) => ApiResult.Ok(status, CovenJsonContext.Default.CastStatusResponse);

    private static ApiResult NeedsRoot(CastCode code) =>
        ApiErrors.InvalidRequest($"projectRoot (or a target session) is required for a {CastIntentDto.KindName(code.Kind)} cast.");
}
