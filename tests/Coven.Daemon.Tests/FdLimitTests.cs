using System.Net.Sockets;
using System.Text;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>Issue 12 item 3: more held connections than the descriptor limit do not kill covend.</summary>
public sealed class FdLimitTests
{
    [Fact]
    public async Task MoreHeldPartialRequestsThanTheFdLimit_DaemonSurvives_AndServesAfterwards()
    {
        Assert.True(File.Exists("/usr/bin/prlimit"), "prlimit (util-linux) is required");
        await using var home = new DaemonHome();
        home.Harness.Write("ticker", "i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.2; done");
        home.Register(("ticker", Path.Combine(home.Harness.BinDir, "ticker")));

        // Soft 256, hard 1024: covend must raise the soft limit itself and cap Kestrel below 1024.
        var daemon = await home.StartAsync(wrapper: ["/usr/bin/prlimit", "--nofile=256:1024", "--"]);
        var limits = await File.ReadAllTextAsync($"/proc/{daemon.Pid}/limits");
        Assert.Matches(@"Max open files\s+1024\s+1024", limits);
        var ticking = await daemon.Api.LaunchAsync(home.Project, "ticker");
        var idleFds = Directory.GetFiles($"/proc/{daemon.Pid}/fd").Length;

        var held = new List<Socket>();
        try
        {
            var partial = Encoding.ASCII.GetBytes("GET /api/v1/health HTTP/1.1\r\nHost: coven\r\nX-Slow: ");
            for (var i = 0; i < 1100; i++)
            {
                var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                held.Add(s);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await s.ConnectAsync(new UnixDomainSocketEndPoint(home.Socket), cts.Token);
                    await s.SendAsync(partial, SocketFlags.None, cts.Token);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    // Refused or closed past Kestrel's cap: expected, the daemon must simply live on.
                }
            }

            var fds = Directory.GetFiles($"/proc/{daemon.Pid}/fd").Length;
            Assert.False(daemon.Process.HasExited, "covend exited under the connection flood");
            // Accepted connections never exceed the cap (512 here): the rest wait in the backlog or are refused.
            Assert.True(fds <= idleFds + DaemonHost.ConnectionCap(1024) + 32, $"covend holds {fds} descriptors ({idleFds} before the flood)");

            // At the cap the lane keeps recording output into the store, and the daemon's sweeps (every second,
            // each scanning /proc and the store) keep running without meeting EMFILE.
            var db = Path.Combine(home.Home, "coven.db");
            var countEvents = $"SELECT count(*) FROM events WHERE session_id = '{ticking}'";
            var atCap = SqliteTools.Scalar(db, countEvents);
            Assert.True(await Eventually.TrueAsync(() => Task.FromResult(SqliteTools.Scalar(db, countEvents) > atCap + 5), TimeSpan.FromSeconds(30)), "the lane stopped recording at the cap");
            Assert.False(daemon.Process.HasExited, "covend exited at the cap");
            fds = Directory.GetFiles($"/proc/{daemon.Pid}/fd").Length;
            Assert.True(fds < 1024, $"covend holds {fds} descriptors at the cap");
            Assert.DoesNotContain("Too many open files", await File.ReadAllTextAsync(Path.Combine(home.Home, "logs", "covend.log")), StringComparison.Ordinal);
        }
        finally
        {
            foreach (var s in held)
            {
                s.Dispose();
            }
        }

        // Afterwards: health answers, the lane connection still works (kill), a launch works.
        var last = "nothing";
        Assert.True(await Eventually.TrueAsync(async () =>
        {
            try
            {
                using var fresh = UnixSocketHttp.Create(home.Socket);
                using var r = await fresh.GetAsync("api/v1/health");
                last = ((int)r.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return r.IsSuccessStatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.GetType().Name + ": " + e.Message;
                return false;
            }
        }, TimeSpan.FromSeconds(60)), $"covend does not answer health after the flood (last: {last}; exited: {daemon.Process.HasExited})");
        Assert.False(daemon.Process.HasExited);
        var kill = await daemon.Api.PostAsync($"api/v1/sessions/{ticking}/kill", "{}");
        var daemonLog = string.Join("\n", (await File.ReadAllLinesAsync(Path.Combine(home.Home, "logs", "covend.log"))).Where(l => !l.Contains("Kestrel", StringComparison.Ordinal)).TakeLast(12));
        Assert.True((int)kill.Status is >= 200 and < 300, kill.Text + "\n" + daemonLog);
        Assert.True(await Eventually.TrueAsync(async () => await daemon.Api.StatusAsync(ticking) != "live", TimeSpan.FromSeconds(15)));
        var output = await daemon.Api.OutputAsync(ticking);
        Assert.Contains("tick 3", output, StringComparison.Ordinal);
        await daemon.Api.LaunchAsync(home.Project);
        var log = await File.ReadAllTextAsync(Path.Combine(home.Home, "logs", "covend.log"));
        Assert.DoesNotContain("Too many open files", log, StringComparison.Ordinal);
    }
}
