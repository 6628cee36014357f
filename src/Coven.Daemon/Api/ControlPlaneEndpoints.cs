using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Cast;
using Coven.Daemon.Hosting;
using Coven.Daemon.Rituals;
using Coven.Daemon.Sessions;

namespace Coven.Daemon.Api;

/// <summary>
/// <c>GET /api/v1/capabilities</c> and <c>POST /api/v1/actions</c>. An action runs the same handler as its direct
/// route, so status codes and bodies are identical; unknown action ids fail closed.
/// </summary>
internal static class ControlPlaneEndpoints
{
    private static readonly string[] s_sessionActions =
        [SessionActions.Input, SessionActions.Resize, SessionActions.Kill, SessionActions.Archive, SessionActions.Summon, SessionActions.Sacrifice];

    private static readonly string[] s_ritualActions = [SessionActions.RitualsRun, SessionActions.RitualsSchedule, SessionActions.RitualsUnschedule];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/capabilities", (DaemonOptions options) => Capabilities(options))
            .WithName("capabilities").WithSummary("What this daemon can do and whether it is set up.")
            .Answers<CapabilitiesResponse>().Errors();

        app.MapPost("/api/v1/actions", async (HttpContext ctx, SessionService sessions, RitualService rituals, ResumeService resumes, CastService casts, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.ActionRequest, null, ct);
            return error ?? await RunAsync(request!, new ActionServices(sessions, rituals, resumes, casts), ct);
        }).WithName("actions").WithSummary("Run a control-plane action by id (same validation and answers as the direct route).")
            .Body<ActionRequest>().Produces(200).Produces(201).Produces(202).Produces(204).Errors(400, 404, 409, 503);
    }

    /// <summary>The services the actions run through (the same ones behind the direct routes).</summary>
    internal sealed record ActionServices(SessionService Sessions, RitualService Rituals, ResumeService Resumes, CastService Casts);

    internal static async Task<ApiResult> RunAsync(ActionRequest request, ActionServices services, CancellationToken ct)
    {
        var (sessions, rituals) = (services.Sessions, services.Rituals);
        if (string.IsNullOrWhiteSpace(request.Action))
        {
            return ApiErrors.InvalidRequest("action is required.");
        }

        if (!SessionActions.All.Contains(request.Action))
        {
            return ApiResult.Error(400, ErrorCodes.UnknownAction, $"unknown action '{ApiErrors.Printable(request.Action)}'; known actions: {string.Join(", ", SessionActions.All)}.", new() { ["action"] = ApiErrors.Printable(request.Action) });
        }

        if (request.Action is not (SessionActions.Launch or SessionActions.RitualsRun or SessionActions.RitualsSchedule or SessionActions.RitualsUnschedule or SessionActions.Cast)
            && string.IsNullOrEmpty(request.SessionId))
        {
            return ApiErrors.InvalidRequest($"sessionId is required for {request.Action}.");
        }

        var args = request.Args;
        switch (request.Action)
        {
            case SessionActions.Launch:
            {
                var (launch, error) = JsonBody.Parse(args, CovenJsonContext.Default.LaunchRequest, null);
                return error ?? UnsupportedLaunchFields.Check(launch!) ?? await sessions.LaunchAsync(launch!, ct);
            }

            case SessionActions.Input:
            {
                var (input, error) = JsonBody.Parse(args, CovenJsonContext.Default.InputRequest, null);
                return error ?? await sessions.InputAsync(request.SessionId, input!, ct);
            }

            case SessionActions.Resize:
            {
                var (resize, error) = JsonBody.Parse(args, CovenJsonContext.Default.ResizeRequest, null);
                return error ?? await sessions.ResizeAsync(request.SessionId, resize!, ct);
            }

            case SessionActions.Kill:
            {
                var (kill, error) = JsonBody.Parse(args, CovenJsonContext.Default.KillRequest, new KillRequest());
                return error ?? await sessions.KillAsync(request.SessionId, kill!, ct);
            }

            case SessionActions.Archive:
                return await sessions.ArchiveAsync(request.SessionId, ct);

            case SessionActions.Summon:
                return await sessions.SummonAsync(request.SessionId, ct);

            case SessionActions.Sacrifice:
            {
                var (sacrifice, error) = JsonBody.Parse(args, CovenJsonContext.Default.SacrificeRequest, new SacrificeRequest());
                return error ?? await sessions.SacrificeAsync(request.SessionId, sacrifice!, ct);
            }

            case SessionActions.Resume:
            {
                var (size, error) = JsonBody.Parse(args, CovenJsonContext.Default.ResizeRequest, new ResizeRequest());
                return error ?? await services.Resumes.ResumeAsync(request.SessionId, new ResumeOptions(size!.Cols, size.Rows), ct);
            }

            case SessionActions.Cast:
            {
                var (cast, error) = JsonBody.Parse(args, CovenJsonContext.Default.CastRequest, null);
                return error ?? await services.Casts.CastAsync(cast!, ct);
            }

            case SessionActions.RitualsSchedule:
            {
                var (schedule, error) = JsonBody.Parse(args, CovenJsonContext.Default.RitualScheduleRequest, null);
                return error ?? await rituals.AddAsync(schedule!, ct);
            }

            case SessionActions.RitualsUnschedule:
                return ScheduleId(args) is { } unscheduleId
                    ? await rituals.RemoveAsync(unscheduleId, ct)
                    : ApiErrors.InvalidRequest("args.scheduleId is required for rituals.unschedule.");

            case SessionActions.RitualsRun:
            {
                if (ScheduleId(args) is { } runId)
                {
                    return await rituals.RunNowAsync(runId, ct);
                }

                var (adHoc, error) = JsonBody.Parse(args, CovenJsonContext.Default.RitualScheduleRequest, null);
                return error ?? await rituals.RunAdHocAsync(adHoc!.Ritual, adHoc.Selector, ct);
            }

            default:
                return ApiResult.Error(400, ErrorCodes.UnknownAction, $"unknown action '{ApiErrors.Printable(request.Action)}'.");
        }
    }

    private static string? ScheduleId(JsonElement? args) =>
        args is { ValueKind: JsonValueKind.Object } a && a.TryGetProperty("scheduleId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    private static ApiResult Capabilities(DaemonOptions options)
    {
        var list = new List<CapabilityDto>();
        HarnessRegistry? registry = null;
        string? configError = null;
        try
        {
            registry = HarnessRegistry.Load(options.Paths.HarnessConfig);
        }
        catch (HarnessConfigException e)
        {
            configError = e.Message;
            registry = new HarnessRegistry([]);
        }

        var path = Environment.GetEnvironmentVariable("PATH");
        foreach (var harness in registry.All.OrderBy(h => h.BuiltIn ? 0 : 1).ThenBy(h => h.Id, StringComparer.Ordinal))
        {
            var lookup = registry.Find(harness.Id, path);
            list.Add(new CapabilityDto
            {
                Id = "harness." + harness.Id,
                Label = harness.Label,
                OwningAdapter = harness.Id,
                Status = lookup.Ok ? "available" : "missing_setup",
                PolicyHint = lookup.Ok
                    ? $"launches {lookup.ExecutablePath} in a PTY inside the project root; credentials stay with the harness."
                    : lookup.Message,
                ActionIds = [SessionActions.Launch],
                Executable = lookup.ExecutablePath,
            });
        }

        list.Add(new CapabilityDto
        {
            Id = "sessions",
            Label = "Sessions",
            OwningAdapter = "covend",
            Status = "available",
            PolicyHint = "input, resize and kill reach only a verified live lane; archive, summon and sacrifice follow the lifecycle machine; sacrifice needs confirm.",
            ActionIds = s_sessionActions,
        });
        list.Add(new CapabilityDto
        {
            Id = "rituals",
            Label = "Rituals",
            OwningAdapter = "covend",
            Status = "available",
            PolicyHint = "scheduled archive/summon/sacrifice through the lifecycle machine; never touches pending or live sessions.",
            ActionIds = s_ritualActions,
        });
        list.Add(new CapabilityDto
        {
            Id = "cast",
            Label = "Cast Codes",
            OwningAdapter = "covend",
            Status = "available",
            PolicyHint = "POST /api/v1/cast parses a code and runs the operation it maps to through that operation's own validation; a cast is never authorization. Catalog: GET /api/v1/cast-codes.",
            ActionIds = [SessionActions.Launch, SessionActions.Input],
        });
        if (configError is not null)
        {
            list.Add(new CapabilityDto
            {
                Id = "harness.registry",
                Label = "Registered harnesses",
                OwningAdapter = "covend",
                Status = "disabled",
                PolicyHint = "harnesses.json is invalid: " + configError,
                ActionIds = [],
            });
        }

        return ApiResult.Ok(new CapabilitiesResponse(list), CovenJsonContext.Default.CapabilitiesResponse);
    }
}
