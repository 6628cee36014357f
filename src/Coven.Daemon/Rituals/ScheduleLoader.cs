using Coven.Store;

namespace Coven.Daemon.Rituals;

/// <summary>Loads the stored ritual schedules into Quartz at start.</summary>
internal sealed partial class ScheduleLoader(CovenStore store, RitualScheduler scheduler, ILogger<ScheduleLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var schedules = store.Schedules.List();
        foreach (var schedule in schedules)
        {
            await scheduler.ScheduleAsync(schedule, cancellationToken);
        }

        LogLoaded(schedules.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = Logging.EventIds.ScheduleLoaded, Level = LogLevel.Information, Message = "Loaded {Count} ritual schedules")]
    private partial void LogLoaded(int count);
}
