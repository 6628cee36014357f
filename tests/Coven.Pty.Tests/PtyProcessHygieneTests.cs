using System.Globalization;
using Coven.Core;
using Coven.TestSupport;

namespace Coven.Pty.Tests;

public sealed class PtyProcessHygieneTests
{
    [Fact]
    public async Task Start_Child_DoesNotInheritIgnoredSigpipe()
    {
        using var run = PtyRun.Shell("grep SigIgn /proc/self/status");
        await run.WaitExitAsync();
        var line = run.Text().Split("\r\n").Single(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        var mask = ulong.Parse(line["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(0UL, mask & (1UL << (Signals.SIGPIPE - 1)));
    }

    [Fact]
    public async Task Start_Child_BlockedSignalsCleared()
    {
        using var run = PtyRun.Shell("grep SigBlk /proc/self/status");
        await run.WaitExitAsync();
        var line = run.Text().Split("\r\n").Single(l => l.StartsWith("SigBlk:", StringComparison.Ordinal));
        Assert.Equal(0UL, ulong.Parse(line["SigBlk:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Start_YesPipedToHead_EndsBySigpipe()
    {
        // With SIGPIPE ignored `yes` would loop on EPIPE errors instead of dying at once.
        using var run = PtyRun.Shell("yes | head -1; echo DONE");
        var status = await run.WaitExitAsync();
        Assert.Equal(0, status.Code);
        Assert.Equal("y\r\nDONE\r\n", run.Text());
    }

    [Fact]
    public async Task Start_Child_HasOnlyStandardDescriptors()
    {
        // The test host has dozens of descriptors open; only 0, 1, 2 and ls's own directory fd may appear.
        using var run = PtyRun.Start(PtyRun.Options("/bin/ls", ["/proc/self/fd"]));
        await run.WaitExitAsync();
        var fds = run.Text().Split([' ', '\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).Order().ToArray();
        Assert.Equal(4, fds.Length);
        Assert.Equal([0, 1, 2], fds[..3]);
    }

    [Fact]
    public async Task Exited_ManyChildrenEndingTogether_EachGetsItsOwnStatus_WithoutAThreadEach()
    {
        // Children are reaped on SIGCHLD, and signals that arrive together coalesce into one: a process that only
        // looked when "its" signal came would hang here. Each child waits for a line on its terminal; the lines are
        // written back to back, so the children exit within the same instant.
        const int count = 24;
        var runs = Enumerable.Range(0, count).Select(i => PtyRun.Shell($"read x; exit {i}")).ToList();
        try
        {
            // The old reaper was a thread per child blocked in waitpid, named after it.
            Assert.DoesNotContain(ThreadNames(), name => name.StartsWith("pty-wait", StringComparison.Ordinal));
            foreach (var run in runs)
            {
                Assert.True(run.Process.Write("\n"u8.ToArray()));
            }

            var statuses = await Task.WhenAll(runs.Select(r => r.WaitExitAsync()));
            Assert.Equal(Enumerable.Range(0, count).Select(i => new PtyExitStatus(i, null)), statuses);
        }
        finally
        {
            runs.ForEach(r => r.Dispose());
        }
    }

    private static List<string> ThreadNames() =>
        [.. Directory.EnumerateDirectories("/proc/self/task").Select(task => File.ReadAllText(task + "/comm").TrimEnd('\n'))];

    [Fact]
    public async Task Exited_NormalExit_HasCodeAndNoSignal()
    {
        using var run = PtyRun.Shell("exit 3");
        var status = await run.WaitExitAsync();
        Assert.Equal(new PtyExitStatus(3, null), status);
        Assert.False(status.Succeeded);
        Assert.Null(status.SignalName);
    }

    [Fact]
    public async Task Exited_KilledBySignal_HasSignalAndNoCode()
    {
        using var run = PtyRun.Shell("kill -TERM $$");
        var status = await run.WaitExitAsync();
        Assert.Null(status.Code);
        Assert.Equal(Signals.SIGTERM, status.Signal);
        Assert.Equal("SIGTERM", status.SignalName);
    }

    [Fact]
    public async Task KillAsync_BackgroundGrandchild_WholeGroupDies()
    {
        using var run = PtyRun.Shell("sleep 1000 & echo \"BG=$!\"; wait");
        await run.WaitForTextAsync("\r\n");
        var grandchild = int.Parse(run.Text().Split("BG=")[1].Split('\r')[0], CultureInfo.InvariantCulture);
        Assert.False(ProcFs.IsGone(grandchild));

        await run.Process.KillAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var status = await run.WaitExitAsync();

        Assert.Equal(Signals.SIGTERM, status.Signal);
        Assert.True(await Eventually.TrueAsync(() => ProcFs.IsGone(grandchild), PtyRun.Timeout));
        Assert.False(run.Process.IsGroupAlive());
    }

    [Fact]
    public async Task KillAsync_ChildIgnoresTerm_KilledAfterGrace()
    {
        using var run = PtyRun.Shell("trap '' TERM; echo READY; while :; do sleep 0.05; done");
        await run.WaitForTextAsync("READY");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await run.Process.KillAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None);
        var status = await run.WaitExitAsync();

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"killed after {clock.Elapsed}");
        Assert.Equal(Signals.SIGKILL, status.Signal);
        Assert.True(await Eventually.TrueAsync(() => !run.Process.IsGroupAlive(), PtyRun.Timeout));
    }

    [Fact]
    public async Task KillAsync_AfterExit_ReturnsAndSignalGroupIsFalse()
    {
        using var run = PtyRun.Shell("exit 0");
        await run.WaitExitAsync();
        await run.Process.KillAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(run.Process.SignalGroup(Signals.SIGTERM));
    }

    [Fact]
    public async Task Dispose_WhileReading_UnblocksReaderAndNeverThrows()
    {
        var run = PtyRun.Shell("trap '' HUP; echo READY; sleep 1000");
        await run.WaitForTextAsync("READY");
        run.Process.Dispose();
        await run.Ended.WaitAsync(PtyRun.Timeout);
        run.Process.Dispose();
        Assert.Equal(0, run.Process.Read(new byte[16]));
        Assert.False(run.Process.Write("x"));
        Assert.False(run.Process.Resize(10, 10));
        run.Dispose();
        await run.Process.Exited.WaitAsync(PtyRun.Timeout);
    }

    [Fact]
    public async Task Dispose_ClosingMaster_HangsUpChild()
    {
        var run = PtyRun.Shell("echo READY; sleep 1000");
        await run.WaitForTextAsync("READY");
        run.Process.Dispose();
        var status = await run.Process.Exited.WaitAsync(PtyRun.Timeout);
        Assert.Equal(Signals.SIGHUP, status.Signal);
    }

    [Fact]
    public async Task StopReading_DescendantHoldsTerminal_ReadReturnsZeroAfterDraining()
    {
        // The child exits but a background descendant keeps the slave open, so EIO never comes by itself.
        // The kernel sends SIGHUP to the foreground group when the session leader exits, so the descendant ignores it.
        using var run = PtyRun.Shell("trap '' HUP; sleep 1000 & echo LAST-LINE");
        var status = await run.Process.Exited.WaitAsync(PtyRun.Timeout);
        Assert.Equal(0, status.Code);
        await run.WaitForTextAsync("LAST-LINE");
        Assert.False(run.Ended.IsCompleted);

        run.Process.StopReading();
        await run.Ended.WaitAsync(PtyRun.Timeout);
        Assert.Contains("LAST-LINE", run.Text(), StringComparison.Ordinal);
        await run.Process.KillAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.True(await Eventually.TrueAsync(() => !run.Process.IsGroupAlive(), PtyRun.Timeout));
    }

    [Fact]
    public async Task StartTime_MatchesProcStat()
    {
        using var run = PtyRun.Shell("echo READY; sleep 1000");
        await run.WaitForTextAsync("READY");
        var stat = File.ReadAllText($"/proc/{run.Process.Pid}/stat");
        var field22 = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
        Assert.NotEqual(0UL, run.Process.StartTime);
        Assert.Equal(field22, run.Process.StartTime.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task KillAsync_CustomFirstSignal_IsDelivered()
    {
        using var run = PtyRun.Shell("trap 'echo GOT-INT; exit 7' INT; echo READY; while :; do sleep 0.05; done");
        await run.WaitForTextAsync("READY");
        await run.Process.KillAsync(Signals.SIGINT, TimeSpan.FromSeconds(5), CancellationToken.None);
        var status = await run.WaitExitAsync();
        Assert.Equal(7, status.Code);
        Assert.Contains("GOT-INT", run.Text(), StringComparison.Ordinal);
    }
}
