using Coven.Daemon.Supervision;
using Quartz;

namespace Coven.Daemon.Rituals;

/// <summary>The orphan sweep: liveness of live lanes, leftovers, stale sockets, lost launches (see <see cref="Supervisor.SweepAsync"/>).</summary>
[DisallowConcurrentExecution]
internal sealed partial class SweepJob(Supervisor supervisor, ILogger<SweepJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (supervisor.Stopping)
        {
            return;
        }

        try
        {
            await supervisor.SweepAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(e);
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.SweepFailed, Level = LogLevel.Error, Message = "Orphan sweep failed")]
    private partial void LogFailed(Exception exception);
}
