using System.Diagnostics;
using Coven.Core;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>A running covend and an HTTP client on its socket.</summary>
public sealed class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;

    internal DaemonProcess(Process process, string socket)
    {
        _process = process;
        Client = UnixSocketHttp.Create(socket);
        Api = new Api(Client);
    }

    public HttpClient Client { get; }
    public Api Api { get; }
    public int Pid => _process.Id;
    public Process Process => _process;

    public async Task WaitUntilReadyAsync()
    {
        var ready = await Eventually.TrueAsync(
            async () =>
            {
                if (_process.HasExited)
                {
                    return true;
                }

                try
                {
                    using var r = await Client.GetAsync("api/v1/health");
                    return r.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            TimeSpan.FromSeconds(20),
            TimeSpan.FromMilliseconds(20));
        Assert.True(ready, "covend did not answer /health in time");
        Assert.False(_process.HasExited, $"covend exited with {(_process.HasExited ? _process.ExitCode : 0)}");
    }

    public void Kill9() => ProcessTools.Kill(_process.Id, Signals.SIGKILL);

    public void Terminate() => ProcessTools.Kill(_process.Id, Signals.SIGTERM);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            Kill9();
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
