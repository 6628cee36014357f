using System.Text;
using System.Text.Json;
using Coven.Cli.Attach;
using Coven.Core.Api;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary><c>coven notify add|list|remove</c> over COVEN_HOME/notify.json (no daemon needed), and the attached terminal's notice.</summary>
public sealed class NotifyCommandTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AddListRemove_WritesAPrivateFile_RefusesBadSinks()
    {
        var home = _dir.Combine("home");
        var cli = new CovenCli(home, TerminalDaemonFixture.ToolsBin);
        var added = await cli.RunAsync("notify", "add", "--on", "waiting,ended", "--", "tee", "-a", "/tmp/x y.jsonl");
        Assert.True(added.ExitCode == 0, added.ToString());
        var id = added.Stdout.Trim();
        var hook = await cli.RunAsync("notify", "add", "--webhook", "http://127.0.0.1:9/coven");
        Assert.True(hook.ExitCode == 0, hook.ToString());

        var path = Path.Combine(home, "notify.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        using (var doc = JsonDocument.Parse(await File.ReadAllTextAsync(path)))
        {
            var first = doc.RootElement.GetProperty("sinks")[0];
            Assert.Equal(id, first.GetProperty("id").GetString());
            Assert.True(Path.IsPathRooted(first.GetProperty("command")[0].GetString()), "tee was not resolved to an absolute path");
            Assert.Equal(["-a", "/tmp/x y.jsonl"], first.GetProperty("command").EnumerateArray().Skip(1).Select(e => e.GetString()));
            Assert.Equal(["waiting", "ended"], first.GetProperty("on").EnumerateArray().Select(e => e.GetString()));
        }

        var list = await cli.RunAsync("notify", "list");
        Assert.Contains(id, list.Stdout, StringComparison.Ordinal);
        Assert.Contains("waiting,ended", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("http://127.0.0.1:9/coven", list.Stdout, StringComparison.Ordinal);

        Assert.Equal(2, (await cli.RunAsync("notify", "add", "--on", "sometimes", "--", "/bin/true")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("notify", "add", "--webhook", "ftp://x")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("notify", "add")).ExitCode);
        Assert.Equal(2, (await cli.RunAsync("notify", "add", "--", "no-such-program-here")).ExitCode);

        Assert.Equal(0, (await cli.RunAsync("notify", "remove", id)).ExitCode);
        Assert.DoesNotContain(id, (await cli.RunAsync("notify", "list")).Stdout, StringComparison.Ordinal);
        var missing = await cli.RunAsync("notify", "remove", id);
        Assert.Equal(1, missing.ExitCode);
    }

    [Fact]
    public void AttachedTerminal_GetsBellAndOsc9_WhenWaitingOrIdle_Only()
    {
        static EventDto Activity(string activity) => new(1, "e", "s", "activity", $$"""{"activity":"{{activity}}","previous":"working","reason":"hook:Stop","source":"hook"}""", "t");

        Assert.Equal("\a\e]9;coven: fix \e]tests needs you\a".Replace("\e]t", "]t", StringComparison.Ordinal), Encoding.UTF8.GetString(AttentionSignal.For(Activity("waiting"), "fix \e]tests")!));
        Assert.Equal("\a\e]9;coven: review is idle\a", Encoding.UTF8.GetString(AttentionSignal.For(Activity("idle"), "review")!));
        Assert.Null(AttentionSignal.For(Activity("working"), "review"));
        Assert.Null(AttentionSignal.For(new EventDto(1, "e", "s", "output", """{"data":"x"}""", "t"), "review"));
    }
}
