using Coven.Store;
using Quartz;

namespace Coven.Daemon.Rituals;

/// <summary>Runs one stored ritual schedule; the logic lives in <see cref="RitualService"/>.</summary>
[DisallowConcurrentExecution]
internal sealed partial class RitualJob(CovenStore store, RitualService rituals, ILogger<RitualJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var id = context.MergedJobDataMap.GetString(RitualScheduler.ScheduleIdKey);
        try
        {
            if (id is not null && store.Schedules.Get(id) is { Enabled: true } schedule)
            {
                await rituals.RunScheduleAsync(schedule, cancellationToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(id ?? "?", e);
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.RitualFailed, Level = LogLevel.Error, Message = "Ritual schedule {ScheduleId} failed")]
    private partial void LogFailed(string scheduleId, Exception exception);
}
