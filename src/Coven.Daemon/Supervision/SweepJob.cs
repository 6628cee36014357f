using Quartz;

namespace Coven.Daemon.Supervision;

/// <summary>
/// The Quartz job that runs <see cref="Sweeper.SweepAsync"/> every sweep interval, never twice at once: a fire while a
/// sweep still runs is skipped by <see cref="Sweeper.SweepUnlessRunningAsync"/>, not by Quartz's
/// <c>[DisallowConcurrentExecution]</c>. That attribute blocks the trigger while the job runs, and a scheduler loop
/// that finds no trigger to acquire waits a randomised idle time drawn from <c>RandomNumberGenerator</c>, which on
/// Linux loads OpenSSL (libssl + libcrypto, 3.6 MiB of the idle daemon's RSS; docs/benchmarks-daemon.md). With the
/// sweep's trigger always acquirable and <see cref="IdleWaitTime"/> longer than its interval, the loop always has a
/// trigger to wait for.
/// </summary>
internal sealed partial class SweepJob(LaneMonitors monitors, Sweeper sweeper, ILogger<SweepJob> logger) : IJob
{
    /// <summary>The trigger's key: the sweep runs at once when the scheduler starts, then every <c>interval</c>.</summary>
    public static readonly TriggerKey Trigger = new("sweep", "system");

    /// <summary>Schedules the sweep on <paramref name="quartz"/> (DaemonHost, and the tests that run it in fake time).</summary>
    public static void Schedule(IQuartzBuilder quartz, TimeSpan interval)
    {
        quartz.ConfigureScheduler(o => o.IdleWaitTime = IdleWaitTime(interval));
        quartz.ScheduleJob<SweepJob>(t => t
            .WithIdentity(Trigger)
            .StartNow()
            .WithSimpleSchedule(x => x.WithInterval(interval).RepeatForever()));
    }

    /// <summary>How far ahead the scheduler loop looks for a trigger: Quartz's default (30 s), or twice the sweep interval if that is longer, so the next sweep is always in view.</summary>
    public static TimeSpan IdleWaitTime(TimeSpan interval) => TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(30).Ticks, 2 * interval.Ticks));

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (monitors.Stopping)
        {
            return;
        }

        try
        {
            _ = await sweeper.SweepUnlessRunningAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.SweepFailed, Level = LogLevel.Error, Message = "Orphan sweep failed")]
    private partial void LogFailed(Exception exception);
}
