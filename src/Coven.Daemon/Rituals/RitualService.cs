using System.Reflection;
using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Daemon.Hosting;
using Coven.Daemon.Sessions;
using Coven.Store;

namespace Coven.Daemon.Rituals;

/// <summary>
/// Rituals (archive, summon, sacrifice) over selected sessions, manual or scheduled. Each session goes through the
/// lifecycle machine like a manual request, so a ritual never touches a pending or live session. prune-worktrees
/// removes the worktrees of selected ended sessions (docs/cli.md) and prune-store applies the retention bounds.
/// </summary>
internal sealed partial class RitualService(
    CovenStore store,
    SessionService sessions,
    RitualScheduler scheduler,
    Worktrees.WorktreeService worktrees,
    StoreMaintenance maintenance,
    TimeProvider time,
    ILogger<RitualService> logger)
{
    public async Task<ApiResult> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<RitualScheduleDto>();
        foreach (var s in store.Schedules.List())
        {
            list.Add(await ToDtoAsync(s, cancellationToken));
        }

        return ApiResult.Ok(new RitualSchedulesResponse(list), CovenJsonContext.Default.RitualSchedulesResponse);
    }

    public async Task<ApiResult> AddAsync(RitualScheduleRequest request, CancellationToken cancellationToken)
    {
        if (Validate(request.Ritual, request.Every, request.Cron, request.Selector) is { } invalid)
        {
            return invalid;
        }

        var schedule = store.Schedules.Add(new RitualSchedule
        {
            Id = "rit-" + Guid.CreateVersion7().ToString("N")[^12..],
            Ritual = request.Ritual!,
            Every = request.Every,
            Cron = request.Cron,
            Selector = request.Selector ?? new RitualSelectorDto(),
            Enabled = request.Enabled ?? true,
            CreatedAt = time.GetUtcNow(),
        });
        await scheduler.ScheduleAsync(schedule, cancellationToken);
        return ApiResult.Json(201, await ToDtoAsync(store.Schedules.Get(schedule.Id) ?? schedule, cancellationToken), CovenJsonContext.Default.RitualScheduleDto);
    }

    /// <summary>Installs the shipped default schedules (idempotent: ids already present are kept).</summary>
    public async Task<ApiResult> AddDefaultsAsync(CancellationToken cancellationToken)
    {
        foreach (var d in LoadDefaults())
        {
            if (store.Schedules.Get(d.Id!) is not null)
            {
                continue;
            }

            var schedule = store.Schedules.Add(new RitualSchedule
            {
                Id = d.Id!,
                Ritual = d.Ritual!,
                Every = d.Every,
                Cron = d.Cron,
                Selector = d.Selector ?? new RitualSelectorDto(),
                CreatedAt = time.GetUtcNow(),
            });
            await scheduler.ScheduleAsync(schedule, cancellationToken);
        }

        var list = new List<RitualScheduleDto>();
        foreach (var s in store.Schedules.List())
        {
            list.Add(await ToDtoAsync(s, cancellationToken));
        }

        return ApiResult.Json(201, new RitualSchedulesResponse(list), CovenJsonContext.Default.RitualSchedulesResponse);
    }

    public async Task<ApiResult> RemoveAsync(string? id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(id) || !store.Schedules.Remove(id))
        {
            return ApiErrors.ScheduleNotFound(id ?? string.Empty);
        }

        await scheduler.UnscheduleAsync(id, cancellationToken);
        return ApiResult.NoContent();
    }

    public async Task<ApiResult> RunNowAsync(string? id, CancellationToken cancellationToken, bool dryRun = false)
    {
        if (string.IsNullOrEmpty(id) || store.Schedules.Get(id) is not { } schedule)
        {
            return ApiErrors.ScheduleNotFound(id ?? string.Empty);
        }

        // dryRun (docs/api-additions.md): the sessions the ritual would affect now; nothing is changed or recorded.
        var affected = dryRun ? await RunAsync(schedule.Ritual, schedule.Selector, cancellationToken, dryRun: true) : await RunScheduleAsync(schedule, cancellationToken);
        return ApiResult.Ok(new RitualRunResponse(affected), CovenJsonContext.Default.RitualRunResponse);
    }

    /// <summary>Runs a ritual once without a schedule (control-plane <c>rituals.run</c> with a ritual and selector).</summary>
    public async Task<ApiResult> RunAdHocAsync(string? ritual, RitualSelectorDto? selector, CancellationToken cancellationToken)
    {
        if (Validate(ritual, "1h", null, selector) is { } invalid)
        {
            return invalid;
        }

        var affected = await RunAsync(ritual!, selector ?? new RitualSelectorDto(), cancellationToken);
        return ApiResult.Ok(new RitualRunResponse(affected), CovenJsonContext.Default.RitualRunResponse);
    }

    public async Task<IReadOnlyList<string>> RunScheduleAsync(RitualSchedule schedule, CancellationToken cancellationToken)
    {
        var affected = await RunAsync(schedule.Ritual, schedule.Selector, cancellationToken);
        store.Schedules.RecordRun(schedule.Id, time.GetUtcNow(), await scheduler.NextRunAsync(schedule.Id, cancellationToken));
        LogRitualRan(schedule.Id, schedule.Ritual, affected.Count);
        return affected;
    }

    public async Task<IReadOnlyList<string>> RunAsync(string ritual, RitualSelectorDto selector, CancellationToken cancellationToken, bool dryRun = false)
    {
        if (ritual == RitualKinds.PruneStore)
        {
            var pruned = maintenance.Prune(dryRun);
            return [.. pruned.Ranges.Select(r => r.SessionId).Distinct(StringComparer.Ordinal)];
        }

        if (ritual == RitualKinds.PruneWorktrees)
        {
            return selector.OlderThan is null ? [] : await PruneWorktreesAsync(selector, dryRun, cancellationToken);
        }

        // A sacrifice without a selector would delete every ended session of every project: never (schedules made
        // before this rule existed do nothing; new ones are refused by Validate).
        if (!RitualKinds.TryGetTrigger(ritual, out var trigger) || (ritual == "sacrifice" && IsEmpty(selector)))
        {
            return [];
        }

        var candidates = SelectCandidates(store, ritual, selector, time.GetUtcNow());
        var affected = new List<string>();
        if (dryRun)
        {
            return [.. candidates.Where(c => SessionLifecycle.Decide(c.Status, trigger, c.ArchivedFrom).Permitted).Select(c => c.Id.Value)];
        }

        foreach (var session in candidates)
        {
            var result = await sessions.FireAsync(session.Id, trigger, "ritual " + ritual, cancellationToken);
            if (result.Applied)
            {
                affected.Add(session.Id.Value);
            }
        }

        return affected;
    }

    /// <summary>
    /// The worktrees of the sessions the selector picks (ended, last changed before olderThan ago; projectRoot names
    /// the repository, a worktree session's root being its worktree); orphans too when the selector names no harness
    /// or project. Dirty worktrees and unmerged branches stay unless selector.force. Answers the session ids whose
    /// worktrees went (or would go).
    /// </summary>
    private async Task<IReadOnlyList<string>> PruneWorktreesAsync(RitualSelectorDto selector, bool dryRun, CancellationToken cancellationToken)
    {
        var root = selector.ProjectRoot;
        var picked = SelectCandidates(store, RitualKinds.PruneWorktrees, selector with { ProjectRoot = null }, time.GetUtcNow()).Select(s => s.Id.Value).ToHashSet(StringComparer.Ordinal);
        var result = await worktrees.PruneWhereAsync(
            (w, s) => picked.Contains(s.Id.Value) && (root is null || w.Repository == root || PathPolicy.IsInside(root, w.Repository)),
            orphans: selector.Harness is null && selector.ProjectRoot is null,
            selector.Force == true,
            dryRun,
            cancellationToken);
        return result.Removed;
    }

    /// <summary>
    /// The sessions a ritual picks: the selector's statuses (never live or pending), else the ritual's defaults;
    /// its harness and project root; last changed before <c>olderThan</c> ago. The lifecycle still decides each one.
    /// </summary>
    internal static List<SessionRecord> SelectCandidates(CovenStore store, string ritual, RitualSelectorDto selector, DateTimeOffset now)
    {
        var statuses = selector.Statuses is { Count: > 0 } names
            ? names.Select(n => WireNames.TryParseStatus(n, out var s) ? s : SessionStatus.Live).Where(s => s is not (SessionStatus.Live or SessionStatus.Pending)).Distinct().ToList()
            : RitualKinds.DefaultStatuses(ritual).ToList();
        DateTimeOffset? before = Durations.TryParse(selector.OlderThan, out var age) ? now - age : null;

        return SessionScan.All(store, new SessionQuery
        {
            Statuses = statuses,
            Harness = selector.Harness,
            ProjectRoot = selector.ProjectRoot,
            UpdatedBefore = before,
            IncludeArchived = true,
        });
    }

    internal static IReadOnlyList<DefaultRitual> LoadDefaults()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("rituals.default.json")
            ?? throw new InvalidOperationException("rituals.default.json is not embedded in covend.");
        var file = JsonSerializer.Deserialize(stream, DaemonJsonContext.Default.DefaultRitualsFile);
        return file?.Schedules ?? [];
    }

    /// <summary>Checks a schedule request; null when valid.</summary>
    internal static ApiResult? Validate(string? ritual, string? every, string? cron, RitualSelectorDto? selector)
    {
        if (!RitualKinds.IsKnown(ritual))
        {
            return ApiErrors.InvalidRequest("ritual must be one of: " + string.Join(", ", RitualKinds.All) + ".");
        }

        if ((every is null) == (cron is null))
        {
            return ApiErrors.InvalidRequest("give exactly one of every (e.g. \"1h\") or cron.");
        }

        if (every is not null && (!Durations.TryParse(every, out var interval) || interval < TimeSpan.FromSeconds(1)))
        {
            return ApiErrors.InvalidRequest($"every '{ApiErrors.Printable(every)}' is not a duration of at least 1s (e.g. \"30m\", \"1h\", \"7d\").");
        }

        if (cron is not null && !IsValidCron(cron))
        {
            return ApiErrors.InvalidRequest($"cron '{ApiErrors.Printable(cron)}' is not a valid Quartz cron expression.");
        }

        foreach (var status in selector?.Statuses ?? [])
        {
            if (!WireNames.TryParseStatus(status, out var s))
            {
                return ApiErrors.InvalidRequest($"selector.statuses: unknown status '{ApiErrors.Printable(status)}'.");
            }

            if (s is SessionStatus.Live or SessionStatus.Pending)
            {
                return ApiErrors.InvalidRequest("rituals never touch pending or live sessions.");
            }
        }

        if (selector?.OlderThan is { } olderThan && !Durations.TryParse(olderThan, out _))
        {
            return ApiErrors.InvalidRequest($"selector.olderThan '{ApiErrors.Printable(olderThan)}' is not a duration (e.g. \"7d\").");
        }

        if (ritual == RitualKinds.PruneWorktrees && selector?.OlderThan is null)
        {
            return ApiErrors.InvalidRequest("a prune-worktrees ritual needs selector.olderThan (e.g. \"7d\"): the age of the ended sessions whose worktrees it removes.");
        }

        if (ritual == RitualKinds.PruneStore && selector is not null && (!IsEmpty(selector) || selector.Force is not null))
        {
            return ApiErrors.InvalidRequest("a prune-store ritual takes no selector: it applies the bounds of retention.json (docs/retention.md).");
        }

        if (selector?.Force is not null && ritual != RitualKinds.PruneWorktrees)
        {
            return ApiErrors.InvalidRequest("selector.force applies to prune-worktrees only.");
        }

        if (ritual == "sacrifice" && (selector is null || IsEmpty(selector)))
        {
            return ApiErrors.InvalidRequest("a sacrifice ritual needs an explicit selector (statuses, olderThan, harness or projectRoot): without one it would delete every ended session of every project.");
        }

        return null;
    }

    private static bool IsEmpty(RitualSelectorDto selector) =>
        selector.Statuses is not { Count: > 0 } && selector.OlderThan is null && selector.Harness is null && selector.ProjectRoot is null;

    private static bool IsValidCron(string cron)
    {
        try
        {
            _ = new Quartz.CronExpression(cron);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private async Task<RitualScheduleDto> ToDtoAsync(RitualSchedule s, CancellationToken cancellationToken) => new()
    {
        Id = s.Id,
        Ritual = s.Ritual,
        Every = s.Every,
        Cron = s.Cron,
        Selector = s.Selector,
        Enabled = s.Enabled,
        LastRunAt = s.LastRunAt is { } l ? Timestamps.Of(l) : null,
        NextRunAt = await scheduler.NextRunAsync(s.Id, cancellationToken) is { } n ? Timestamps.Of(n) : null,
    };
}
