using System.Runtime.InteropServices;

namespace Coven.Cli;

/// <summary>
/// Turns the first SIGINT/SIGTERM/SIGHUP into cancellation, so a long-running command (attach, logs -f, ...)
/// restores the terminal and exits 130; a second signal gets the default action. Registered only by the
/// commands that need it: short commands keep the default disposition and skip the set-up cost.
/// </summary>
internal sealed class SignalCancellation : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    public CancellationToken Token => _cts.Token;

    public void Enable()
    {
        if (_registrations.Count > 0)
        {
            return;
        }

        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
        {
            _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
        }
    }

    public void Dispose()
    {
        foreach (var r in _registrations)
        {
            r.Dispose();
        }

        _cts.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (!_cts.IsCancellationRequested)
        {
            context.Cancel = true;
            _cts.Cancel();
        }
    }
}
