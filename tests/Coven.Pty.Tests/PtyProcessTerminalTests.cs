using System.Globalization;
using System.Text.RegularExpressions;
using Coven.TestSupport;

namespace Coven.Pty.Tests;

public sealed class PtyProcessTerminalTests
{
    [Fact]
    public async Task Start_Tty_IsControllingTerminalOnPts()
    {
        // `tty` names stdin's terminal; reading /dev/tty only works when it is the controlling terminal.
        using var run = PtyRun.Shell("tty; : < /dev/tty && echo CTTY-OK");
        var status = await run.WaitExitAsync();
        Assert.Equal(0, status.Code);
        Assert.Matches(new Regex(@"^/dev/pts/\d+\r\n", RegexOptions.Multiline), run.Text());
        Assert.Contains("CTTY-OK", run.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_StandardStreams_AreAllTerminals()
    {
        using var run = PtyRun.Shell("test -t 0 && test -t 1 && test -t 2 && echo ALL-TTY");
        await run.WaitExitAsync();
        Assert.Contains("ALL-TTY", run.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NewSession_ChildIsSessionAndGroupLeader()
    {
        using var run = PtyRun.Shell("echo \"S=$(ps -o sid= -p $$ | tr -d ' ') G=$(ps -o pgid= -p $$ | tr -d ' ')\"");
        await run.WaitExitAsync();
        var pid = run.Process.Pid.ToString(CultureInfo.InvariantCulture);
        Assert.Contains($"S={pid} G={pid}", run.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_Input_IsEchoedAndReadByChild()
    {
        using var run = PtyRun.Start(PtyRun.Options("/bin/cat", []));
        Assert.True(run.Process.Write("hello pty\n"));
        // Once by the terminal's echo, once by cat.
        var seen = await Eventually.TrueAsync(() => Regex.Count(run.Text(), "hello pty\r\n") == 2, PtyRun.Timeout);
        Assert.True(seen, run.Text());
        Assert.True(run.Process.Write([0x04]));
        var status = await run.WaitExitAsync();
        Assert.Equal(0, status.Code);
    }

    [Fact]
    public async Task Start_InitialSize_SeenByStty()
    {
        using var run = PtyRun.Shell("stty size", cols: 97, rows: 33);
        await run.WaitExitAsync();
        Assert.Contains("33 97", run.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resize_WhileRunning_DeliversSigwinchAndNewSize()
    {
        using var run = PtyRun.Shell("trap 'echo WINCH; stty size' WINCH; echo READY; i=0; while [ $i -lt 300 ]; do sleep 0.05; i=$((i+1)); done");
        await run.WaitForTextAsync("READY");
        Assert.True(run.Process.Resize(101, 31));
        Assert.Equal(101, run.Process.Columns);
        await run.WaitForTextAsync("WINCH\r\n31 101");
        await run.Process.KillAsync(TimeSpan.FromSeconds(2), CancellationToken.None);
        await run.WaitExitAsync();
    }

    [Fact]
    public async Task Read_LargeOutput_AllBytesDeliveredBeforeEndOfOutput()
    {
        using var run = PtyRun.Start(PtyRun.Options("/usr/bin/seq", ["1", "200000"]));
        var status = await run.WaitExitAsync();
        Assert.Equal(0, status.Code);
        var expected = string.Concat(Enumerable.Range(1, 200000).Select(i => i.ToString(CultureInfo.InvariantCulture) + "\r\n"));
        var actual = run.Text();
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected == actual, "output differs from seq 1 200000");
    }

    [Fact]
    public async Task Start_WorkingDirectoryAndEnvironment_AreExactlyAsGiven()
    {
        using var dir = new TempDir();
        var env = new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin", ["COVEN_TEST"] = "a b=c" };
        using var run = PtyRun.Shell("pwd; echo \"V=[$COVEN_TEST] H=[${HOME-unset}]\"", cwd: dir.Path, env: env);
        await run.WaitExitAsync();
        Assert.Contains(dir.Path + "\r\n", run.Text(), StringComparison.Ordinal);
        Assert.Contains("V=[a b=c] H=[unset]", run.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Arguments_PassedVerbatimWithoutShell()
    {
        using var run = PtyRun.Start(PtyRun.Options("/usr/bin/printf", ["<%s>", "$HOME", "a b", "*", "'q'"]));
        await run.WaitExitAsync();
        Assert.Equal("<$HOME><a b><*><'q'>", run.Text());
    }
}
