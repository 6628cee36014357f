using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Hosting;
using Coven.Store;

namespace Coven.Daemon.Api;

/// <summary>Store maintenance: retention (docs/retention.md) and VACUUM.</summary>
internal static class StoreEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/store/prune", async (HttpContext ctx, StoreMaintenance maintenance, CancellationToken ct) =>
        {
            var (request, error) = await JsonBody.ReadAsync(ctx.Request, CovenJsonContext.Default.PruneRequest, new PruneRequest(), ct);
            return error ?? ApiResult.Ok(maintenance.Prune(request!.DryRun ?? true), CovenJsonContext.Default.PruneResponse);
        }).WithName("store.prune").WithSummary("Apply the retention bounds (dry run unless dryRun is false).")
            .Body<PruneRequest>().Answers<PruneResponse>().Errors(400);

        app.MapPost("/api/v1/store/vacuum", (StoreMaintenance maintenance) =>
        {
            var (before, after) = maintenance.Vacuum();
            return ApiResult.Ok(new VacuumResponse(before, after), CovenJsonContext.Default.VacuumResponse);
        }).WithName("store.vacuum").WithSummary("Give the space of pruned output back to the file system.")
            .Answers<VacuumResponse>().Errors();
    }
}

/// <summary>Retention with the settings of <c>retention.json</c> and the free space of COVEN_HOME's file system.</summary>
internal sealed class StoreMaintenance(CovenStore store, DaemonOptions options, StoreStatus status)
{
    private readonly Lock _gate = new();

    public PruneResponse Prune(bool dryRun)
    {
        lock (_gate)
        {
            var settings = RetentionSettings.Load(options.Paths.Home, out _);
            var free = FreeDiskBytes();
            var plan = store.Retention.Plan(settings, free);
            var ranges = dryRun ? plan : store.Retention.Apply(plan);
            var (used, file) = store.Retention.Size();
            return new PruneResponse(
                dryRun,
                [.. ranges.Select(r => new PruneRangeDto(r.SessionId, r.FromSeq, r.ToSeq, r.Events, r.Bytes, r.Reason))],
                ranges.Sum(r => (long)r.Events),
                ranges.Sum(r => r.Bytes),
                used,
                file,
                free);
        }
    }

    public (long Before, long After) Vacuum()
    {
        lock (_gate)
        {
            return store.Retention.Vacuum();
        }
    }

    /// <summary>Free bytes for an unprivileged user on COVEN_HOME's file system, or null when unknown.</summary>
    public long? FreeDiskBytes() => status.FreeDiskBytes();
}
