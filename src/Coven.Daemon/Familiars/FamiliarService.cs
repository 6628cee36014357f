using Coven.Core;
using Coven.Core.Api;
using Coven.Core.Cast;
using Coven.Daemon.Api;
using Coven.Daemon.Hosting;
using Coven.Store;

namespace Coven.Daemon.Familiars;

/// <summary>
/// Familiars (<c>/api/v1/familiars</c>) and each project's active familiar (what <c>~&gt;NAME</c> sets and
/// <c>coven run</c> without a harness uses). Names follow the Cast Code name rule; harnesses must be known.
/// </summary>
internal sealed partial class FamiliarService(CovenStore store, DaemonOptions options, ILogger<FamiliarService> logger)
{
    private const int MaxArgs = 64;
    private const int MaxArgLength = 4096;

    public ApiResult List(string? projectRoot)
    {
        string? root = null;
        string? active = null;
        if (projectRoot is not null)
        {
            if (!PathPolicy.TryCanonicalize(projectRoot, out var canonical) || !Directory.Exists(canonical))
            {
                return ApiResult.Error(400, ErrorCodes.ProjectRootInvalid, $"project root '{ApiErrors.Printable(projectRoot)}' does not exist or is not a directory.");
            }

            root = canonical;
            active = store.Familiars.GetActive(root);
        }

        var list = FamiliarResolver.All(store).Select(FamiliarDto.From).ToList();
        return ApiResult.Ok(new FamiliarsResponse(list, root, active), CovenJsonContext.Default.FamiliarsResponse);
    }

    public ApiResult Add(FamiliarRequest request)
    {
        if (!CastParser.IsName(request.Name))
        {
            return ApiErrors.InvalidRequest($"familiar name '{ApiErrors.Printable(request.Name)}' is invalid: use [a-z0-9][a-z0-9._-], at most {CastParser.MaxNameLength} characters.");
        }

        var name = request.Name!;
        if (FamiliarResolver.IsBuiltInHarness(name))
        {
            return ApiErrors.InvalidRequest($"'{name}' is a built-in harness and its own familiar; it cannot be redefined.");
        }

        if (string.IsNullOrWhiteSpace(request.Harness))
        {
            return ApiErrors.InvalidRequest("harness is required.");
        }

        HarnessRegistry registry;
        try
        {
            registry = HarnessRegistry.Load(options.Paths.HarnessConfig);
        }
        catch (HarnessConfigException e)
        {
            return ApiResult.Error(400, ErrorCodes.UnknownHarness, "harnesses.json is invalid: " + e.Message);
        }

        if (registry.All.All(h => h.Id != request.Harness))
        {
            var known = string.Join(", ", registry.All.Select(h => h.Id).Order(StringComparer.Ordinal));
            return ApiResult.Error(400, ErrorCodes.UnknownHarness, $"unknown harness '{ApiErrors.Printable(request.Harness)}'; known harnesses: {known}.", new() { ["harness"] = ApiErrors.Printable(request.Harness) });
        }

        var model = string.IsNullOrWhiteSpace(request.Model) ? null : request.Model.Trim();
        if (model is { Length: > 256 } || model?.Any(char.IsControl) == true)
        {
            return ApiErrors.InvalidRequest("model must be at most 256 characters without control characters.");
        }

        var args = request.Args ?? [];
        if (args.Count > MaxArgs || args.Any(a => a is null || a.Length > MaxArgLength || a.Contains('\0', StringComparison.Ordinal)))
        {
            return ApiErrors.InvalidRequest($"args: at most {MaxArgs} strings of at most {MaxArgLength} characters, without NUL.");
        }

        var existed = store.Familiars.Get(name) is not null;
        var saved = store.Familiars.Upsert(new Familiar { Name = name, Harness = request.Harness!, Model = model, Args = args.ToArray(), Worktree = request.Worktree == true });
        LogFamiliarDefined(name, saved.Harness);
        return ApiResult.Json(existed ? 200 : 201, FamiliarDto.From(saved), CovenJsonContext.Default.FamiliarDto);
    }

    public ApiResult Remove(string? name)
    {
        if (name is not null && FamiliarResolver.IsBuiltInHarness(name))
        {
            return ApiErrors.InvalidRequest($"'{name}' is a built-in harness familiar and cannot be removed.");
        }

        if (!CastParser.IsName(name) || !store.Familiars.Remove(name!))
        {
            return ApiResult.Error(404, CastErrorCodes.FamiliarNotFound, $"no familiar named '{ApiErrors.Printable(name)}'.", new() { ["familiar"] = ApiErrors.Printable(name) });
        }

        LogFamiliarRemoved(name!);
        return ApiResult.Ok(new FamiliarRemovedResponse(name!), CovenJsonContext.Default.FamiliarRemovedResponse);
    }

    /// <summary>Makes a known familiar (or built-in harness) the active familiar of a project root.</summary>
    public ApiResult SetActive(ActiveFamiliarRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.ProjectRoot))
        {
            return ApiErrors.InvalidRequest("projectRoot is required.");
        }

        if (string.IsNullOrWhiteSpace(request.Familiar))
        {
            return ApiErrors.InvalidRequest("familiar is required.");
        }

        var paths = PathPolicy.Resolve(request.ProjectRoot, null);
        if (!paths.Ok)
        {
            return ApiResult.Error(400, ErrorCodes.ProjectRootInvalid, paths.Message!);
        }

        var registry = FamiliarResolver.LoadRegistry(options.Paths.HarnessConfig);
        if (FamiliarResolver.Resolve(store, registry, request.Familiar) is not { } familiar)
        {
            return FamiliarResolver.UnknownFamiliar(store, request.Familiar);
        }

        store.Familiars.SetActive(paths.ProjectRoot!, familiar.Name);
        LogActiveFamiliarSet(paths.ProjectRoot!, familiar.Name);
        return ApiResult.Ok(
            new ActiveFamiliarResponse { ProjectRoot = paths.ProjectRoot!, Active = familiar.Name, Familiar = FamiliarDto.From(familiar) },
            CovenJsonContext.Default.ActiveFamiliarResponse);
    }
}
