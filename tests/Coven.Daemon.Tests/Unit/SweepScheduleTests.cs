using Coven.Core;
using Coven.Daemon.Supervision;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Quartz;

namespace Coven.Daemon.Tests.Unit;

/// <summary>
/// The sweep as the daemon schedules it (<see cref="SweepJob.Schedule"/>), run by a real Quartz scheduler whose clock
/// is the kit's fake time: it sweeps once at start, then again only when the interval has passed.
/// </summary>
public sealed class SweepScheduleTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sweep_RunsAtStartThenEveryInterval_InFakeTime()
    {
        var interval = TimeSpan.FromMinutes(5);
        await using var kit = new SupervisionKit(pendingTimeout: TimeSpan.FromSeconds(30));
        var session = kit.Pending();

        var services = new ServiceCollection();
        services.AddSingleton(kit.Monitors);
        services.AddSingleton(kit.Sweeper);
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddQuartz(q =>
        {
            q.UseTimeProvider(kit.Time);
            SweepJob.Schedule(q, interval);
        });
        await using var provider = services.BuildServiceProvider();
        var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var runs = new RunCounter();
        scheduler.ListenerManager.AddJobListener(runs);
        await scheduler.Start();
        try
        {
            // The first sweep runs at start: the session is young, so it stays pending.
            Assert.True(await runs.WaitForAsync(1, s_wait), "the sweep did not run when the scheduler started");
            Assert.Equal(SessionStatus.Pending, kit.StatusOf(session.Id));
            var start = kit.Time.GetUtcNow();
            var trigger = await scheduler.GetTrigger(SweepJob.Trigger);
            Assert.NotNull(trigger);
            Assert.Equal(start + interval, trigger.NextFireTimeUtc);

            // Past the pending timeout but before the interval: nothing is due, the next sweep is still at start + 5 min.
            kit.Time.Advance(TimeSpan.FromMinutes(1));
            Assert.Equal(start + interval, (await scheduler.GetTrigger(SweepJob.Trigger))!.NextFireTimeUtc);

            // The interval passes: the second sweep runs and finds the launch lost.
            kit.Time.Advance(TimeSpan.FromMinutes(4));
            Assert.True(await runs.WaitForAsync(2, s_wait), "the sweep did not run when its interval had passed in fake time");
            Assert.Equal(SessionStatus.Failed, kit.StatusOf(session.Id));
            Assert.Equal(start + (2 * interval), (await scheduler.GetTrigger(SweepJob.Trigger))!.NextFireTimeUtc);
        }
        finally
        {
            await scheduler.Shutdown(waitForJobsToComplete: true);
        }
    }

    private sealed class RunCounter : IJobListener
    {
        private readonly Lock _gate = new();
        private int _count;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "runs";

        public async Task<bool> WaitForAsync(int count, TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_count >= count)
                    {
                        return true;
                    }

                    changed = _changed.Task;
                }

                try
                {
                    await changed.WaitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }
            }
        }

        public ValueTask JobWasExecuted(IJobExecutionContext context, JobExecutionException? jobException, CancellationToken cancellationToken = default)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _count++;
                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.SetResult();
            return ValueTask.CompletedTask;
        }

        public ValueTask JobToBeExecuted(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask JobExecutionVetoed(IJobExecutionContext context, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }
}
