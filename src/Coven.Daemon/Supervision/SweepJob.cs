using Quartz;

namespace Coven.Daemon.Supervision;

/// <summary>The Quartz job that runs <see cref="Sweeper.SweepAsync"/> every sweep interval, never twice at once.</summary>
[DisallowConcurrentExecution]
internal sealed partial class SweepJob(LaneMonitors monitors, Sweeper sweeper, ILogger<SweepJob> logger) : IJob
{
    /// <summary>The trigger's key: the sweep runs at once when the scheduler starts, then every <c>interval</c>.</summary>
    public static readonly TriggerKey Trigger = new("sweep", "system");

    /// <summary>Schedules the sweep on <paramref name="quartz"/> (DaemonHost, and the tests that run it in fake time).</summary>
    public static void Schedule(IQuartzBuilder quartz, TimeSpan interval) =>
        quartz.ScheduleJob<SweepJob>(t => t
            .WithIdentity(Trigger)
            .StartNow()
            .WithSimpleSchedule(x => x.WithInterval(interval).RepeatForever()));

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
