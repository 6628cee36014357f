using Coven.Core;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// The idle daemon does not load OpenSSL (3.6 MiB of its RSS; docs/benchmarks-daemon.md). Quartz's scheduler loop
/// draws its idle wait from <c>RandomNumberGenerator</c> whenever it finds no trigger to acquire, which it did while
/// a sweep marked <c>[DisallowConcurrentExecution]</c> ran: the first sweep loaded libssl and libcrypto.
/// </summary>
public sealed class IdleFootprintTests : IAsyncLifetime
{
    private static readonly TimeSpan s_sweep = TimeSpan.FromSeconds(30);
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task AfterSweeps_OpenSslIsNotMapped()
    {
        // A sweep removes lane sockets nothing listens on: each one gone is a sweep that ran (COVEN_SWEEP_INTERVAL=1s).
        for (var i = 0; i < 2; i++)
        {
            var stale = StaleLaneSocket();
            Assert.True(await Eventually.TrueAsync(() => !File.Exists(stale), s_sweep), $"no sweep removed {stale}");
        }

        var maps = await File.ReadAllTextAsync($"/proc/{_daemon.Pid}/maps");
        Assert.DoesNotContain("libssl", maps, StringComparison.Ordinal);
        Assert.DoesNotContain("libcrypto", maps, StringComparison.Ordinal);
    }

    private string StaleLaneSocket()
    {
        // A file nothing listens on (a bound .NET socket unlinks its file when closed): connecting fails, the sweep removes it.
        var path = Path.Combine(_home.Home, "lanes", SessionId.New().Value + ".sock");
        File.WriteAllBytes(path, []);
        return path;
    }
}
