using Coven.Daemon.Supervision;

namespace Coven.Daemon.Hosting;

/// <summary>
/// Runs start-up reconciliation before the socket accepts requests (hosted services start before Kestrel), so a
/// client that sees the daemon answer also sees every surviving lane re-attached.
/// </summary>
internal sealed class ReconcileService(Reconciler reconciler) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => reconciler.ReconcileAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
