using Quartz;

namespace Coven.Daemon.Supervision;

/// <summary>The Quartz job that runs <see cref="Sweeper.SweepAsync"/> every sweep interval, never twice at once.</summary>
[DisallowConcurrentExecution]
internal sealed partial class SweepJob(LaneMonitors monitors, Sweeper sweeper, ILogger<SweepJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (monitors.Stopping)
        {
            return;
        }

        try
        {
            await sweeper.SweepAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.SweepFailed, Level = LogLevel.Error, Message = "Orphan sweep failed")]
    private partial void LogFailed(Exception exception);
}
