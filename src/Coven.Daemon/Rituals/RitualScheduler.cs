using Coven.Core;
using Coven.Store;
using Quartz;

namespace Coven.Daemon.Rituals;

/// <summary>
/// Keeps Quartz's in-memory triggers in step with the ritual_schedules table: loaded at start, added and removed
/// as the API changes the table. The table is the durable source; Quartz only keeps time. The stored schedules are
/// loaded after the socket listens (<see cref="SchedulerStarter"/>): every call waits until they are.
/// </summary>
internal sealed class RitualScheduler(ISchedulerFactory factory, TimeProvider time)
{
    public const string Group = "rituals";
    public const string ScheduleIdKey = "scheduleId";

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The stored schedules are in Quartz (or loading them ended): calls stop waiting.</summary>
    public void MarkLoaded() => _loaded.TrySetResult();

    public async Task ScheduleAsync(RitualSchedule schedule, CancellationToken cancellationToken)
    {
        await _loaded.Task.WaitAsync(cancellationToken);
        await ScheduleLoadedAsync(schedule, cancellationToken);
    }

    /// <summary>Schedules without waiting for the load: for the loader itself.</summary>
    public async Task ScheduleLoadedAsync(RitualSchedule schedule, CancellationToken cancellationToken)
    {
        if (!schedule.Enabled)
        {
            return;
        }

        var scheduler = await factory.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<RitualJob>()
            .WithIdentity(schedule.Id, Group)
            .UsingJobData(ScheduleIdKey, schedule.Id)
            .Build();
        var trigger = TriggerBuilder.Create(time).WithIdentity(schedule.Id, Group);
        if (schedule.Cron is { } cron)
        {
            trigger = trigger.WithCronSchedule(cron).StartNow();
        }
        else if (Durations.TryParse(schedule.Every, out var every))
        {
            trigger = trigger.StartAt(time.GetUtcNow() + every).WithSimpleSchedule(x => x.WithInterval(every).RepeatForever());
        }
        else
        {
            return;
        }

        await scheduler.DeleteJob(job.Key, cancellationToken);
        await scheduler.ScheduleJob(job, trigger.Build(), new ScheduleJobOptions(), cancellationToken);
    }

    public async Task UnscheduleAsync(string scheduleId, CancellationToken cancellationToken)
    {
        await _loaded.Task.WaitAsync(cancellationToken);
        var scheduler = await factory.GetScheduler(cancellationToken);
        await scheduler.DeleteJob(new JobKey(scheduleId, Group), cancellationToken);
    }

    public async Task<DateTimeOffset?> NextRunAsync(string scheduleId, CancellationToken cancellationToken)
    {
        await _loaded.Task.WaitAsync(cancellationToken);
        var scheduler = await factory.GetScheduler(cancellationToken);
        var trigger = await scheduler.GetTrigger(new TriggerKey(scheduleId, Group), cancellationToken);
        return trigger?.NextFireTimeUtc;
    }
}
