using Coven.Daemon.Hosting;
using Coven.Store;
using Quartz;

namespace Coven.Daemon.Rituals;

/// <summary>
/// Builds and starts Quartz once the socket listens, off the start-up path (docs/benchmarks-daemon.md: building the
/// scheduler was the largest part of the start after the store). Quartz's own hosted service builds the scheduler
/// in its <c>StartAsync</c>, before Kestrel binds; it too started the scheduler only after the application had
/// started, so the sweep and ritual timing are unchanged. The stored ritual schedules are loaded before the scheduler
/// starts, and <see cref="RitualScheduler"/> waits until they are (<see cref="RitualScheduler.MarkLoaded"/>) before it answers, so a request that
/// arrives first sees the same triggers it did when the schedules were loaded before the socket listened.
/// </summary>
internal sealed partial class SchedulerStarter(
    ISchedulerFactory factory,
    CovenStore store,
    RitualScheduler rituals,
    IHostApplicationLifetime lifetime,
    ILogger<SchedulerStarter> logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _start;

    /// <summary>The scheduler could not be built or started; the daemon stopped and exits with a failure.</summary>
    public bool Failed { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => Volatile.Write(ref _start, Task.Run(() => StartSchedulerAsync(_stopping.Token), CancellationToken.None)));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (Volatile.Read(ref _start) is not { } start)
        {
            return;
        }

        await start.WaitAsync(cancellationToken);
        if (!Failed)
        {
            var scheduler = await factory.GetScheduler(cancellationToken);
            await scheduler.Shutdown(waitForJobsToComplete: false, cancellationToken);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task StartSchedulerAsync(CancellationToken cancellationToken)
    {
        try
        {
            var scheduler = await factory.GetScheduler(cancellationToken);
            var schedules = store.Schedules.List();
            foreach (var schedule in schedules)
            {
                await rituals.ScheduleLoadedAsync(schedule, cancellationToken);
            }

            LogLoaded(schedules.Count);
            rituals.MarkLoaded();
            await scheduler.Start(cancellationToken);

            // Not while the first clients are answered: the full collection stops every thread for a few ms.
            await Task.Delay(StartupMemory.After, cancellationToken);
            StartupMemory.Release();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            rituals.MarkLoaded();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without a scheduler there is no sweep: the daemon stops rather than run unsupervised.
            rituals.MarkLoaded();
            LogFailed(e);
            Failed = true;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.ScheduleLoaded, Level = LogLevel.Information, Message = "Loaded {Count} ritual schedules")]
    private partial void LogLoaded(int count);

    [LoggerMessage(EventId = Logging.EventIds.SchedulerFailed, Level = LogLevel.Critical, Message = "The scheduler (sweep, rituals) did not start; stopping")]
    private partial void LogFailed(Exception exception);
}
