using System.Diagnostics;
using Coven.Core;

namespace Coven.Daemon.Tests.Unit;

/// <summary>
/// <c>setsid sleep</c>: a real process leading its own process group, standing in for a lane or harness whose
/// identity (pid and start time) a session records. Killed on dispose if the daemon code did not kill it.
/// </summary>
internal sealed class SpareProcess : IDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private SpareProcess(Process process, ProcessIdentity identity)
    {
        _process = process;
        Identity = identity;
    }

    public ProcessIdentity Identity { get; }

    public bool IsAlive => Identity.IsAlive();

    public static SpareProcess Start()
    {
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        info.ArgumentList.Add("sleep");
        info.ArgumentList.Add("600");
        var process = Process.Start(info)!;
        Assert.True(ProcessIdentity.TryRead(process.Id, out var identity), "the spare process has no /proc entry");
        return new SpareProcess(process, identity);
    }

    /// <summary>Waits until the process is gone and reaped (the daemon code only signals it).</summary>
    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
