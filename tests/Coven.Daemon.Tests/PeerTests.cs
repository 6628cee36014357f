using System.Net;

namespace Coven.Daemon.Tests;

public sealed class PeerTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task OtherUid_IsRefused_EvenWhenTheSocketIsReachable()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv") || !File.Exists("/usr/bin/curl"))
        {
            return; // needs root to switch users; the CI machine runs as root
        }

        var curl = new[] { "--reuid=nobody", "--regid=nogroup", "--clear-groups", "/usr/bin/curl", "-s", "-S", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "--unix-socket", _home.Socket, "http://coven/api/v1/health" };

        // 0700 home: another user cannot even reach the socket.
        var (code, output) = await ProcessTools.RunAsync("/usr/bin/setpriv", curl);
        Assert.NotEqual(0, code);
        Assert.DoesNotContain("200", output, StringComparison.Ordinal);

        // Make the path traversable and the socket writable: SO_PEERCRED alone must refuse the connection.
        File.SetUnixFileMode(_home.Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(_home.Socket, (UnixFileMode)0b110_110_110);
        try
        {
            (code, output) = await ProcessTools.RunAsync("/usr/bin/setpriv", curl);
            Assert.NotEqual(0, code);
            Assert.DoesNotContain("200", output, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.OK, (await _daemon.Api.GetAsync("api/v1/health")).Status);
        }
        finally
        {
            File.SetUnixFileMode(_home.Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(_home.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var log = await File.ReadAllTextAsync(Path.Combine(_home.Home, "logs", "covend.log"));
        Assert.Contains("Refused a connection", log, StringComparison.Ordinal);
    }
}
