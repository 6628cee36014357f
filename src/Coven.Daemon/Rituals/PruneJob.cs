using Coven.Daemon.Api;
using Quartz;

namespace Coven.Daemon.Rituals;

/// <summary>Applies the retention bounds of <c>retention.json</c> every <c>intervalMinutes</c> (docs/retention.md).</summary>
[DisallowConcurrentExecution]
internal sealed partial class PruneJob(StoreMaintenance maintenance, ILogger<PruneJob> logger) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        try
        {
            var result = maintenance.Prune(dryRun: false);
            if (result.Ranges.Count > 0)
            {
                LogPruned(result.Ranges.Count, result.Events, result.Bytes);
            }
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
        {
            LogFailed(e);
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(EventId = Logging.EventIds.OutputPruned, Level = LogLevel.Information, Message = "retention pruned {Ranges} ranges: {Events} output events, {Bytes} bytes")]
    private partial void LogPruned(int ranges, long events, long bytes);

    [LoggerMessage(EventId = Logging.EventIds.PruneFailed, Level = LogLevel.Error, Message = "retention failed")]
    private partial void LogFailed(Exception exception);
}
