using System.Diagnostics;
using Coven.Cli.Attach;
using Coven.Cli.Output;
using Coven.Cli.Sessions;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

public sealed class HelperTests
{
    [Theory]
    [InlineData("\e[31mred\e[0m plain\r\n", "red plain\n")]
    [InlineData("a\rb", "a\nb")]
    [InlineData("line\r\r\nnext\r\n", "line\nnext\n")]
    [InlineData("\e]0;title\atext", "text")]
    [InlineData("\e]11;rgb:0/0/0\e\\after", "after")]
    [InlineData("\e[?1049h\e[2J\e[Hscreen", "screen")]
    [InlineData("tab\there\bx", "tab\therex")]
    [InlineData("\ePqdata\e\\ok", "ok")]
    [InlineData("\e(Bcharset", "charset")]
    [InlineData("ünïcödé ✓", "ünïcödé ✓")]
    public void LineRenderer_StripsControlSequences(string input, string expected)
    {
        var r = new LineRenderer();

        Assert.Equal(expected, r.Render(input) + r.Flush());
    }

    [Fact]
    public void LineRenderer_SequenceSplitAcrossChunks_IsStillRemoved()
    {
        var r = new LineRenderer();

        var text = r.Render("one\e[3") + r.Render("1mtwo\r") + r.Render("\nthree\e]0;ti") + r.Render("tle\a!") + r.Flush();

        Assert.Equal("onetwo\nthree!", text);
    }

    [Theory]
    [InlineData(null, 0x1d)]
    [InlineData("ctrl-]", 0x1d)]
    [InlineData("^]", 0x1d)]
    [InlineData("C-a", 0x01)]
    [InlineData("ctrl+q", 0x11)]
    [InlineData("none", -1)]
    public void DetachKey_ValidForms_Parse(string? text, int expected)
    {
        Assert.True(DetachKey.TryParse(text, out var key));
        Assert.Equal(expected, key);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("ctrl-")]
    [InlineData("ctrl-ab")]
    [InlineData("alt-x")]
    [InlineData("ctrl-1")]
    public void DetachKey_InvalidForms_AreRejected(string text) => Assert.False(DetachKey.TryParse(text, out _));

    [Fact]
    public void DetachKey_Describe_NamesTheKey()
    {
        Assert.Equal("Ctrl-]", DetachKey.Describe(0x1d));
        Assert.Equal("Ctrl-Q", DetachKey.Describe(0x11));
    }

    [Fact]
    public void ShortIds_SharedTimestampPrefix_GrowsUntilUnique()
    {
        var ids = new[]
        {
            "0193a5f0-1234-7abc-8def-0123456789ab",
            "0193a5f0-1234-7abd-8def-0123456789ab",
            "0193a5f1-0000-7000-8000-000000000000",
        };

        var s = SessionResolver.ShortIds(ids);

        Assert.Equal("0193a5f0-1234-7abc", s[ids[0]]);
        Assert.Equal("0193a5f0-1234-7abd", s[ids[1]]);
        Assert.Equal("0193a5f1", s[ids[2]]);
    }

    [Fact]
    public void ShortIds_NeverEndWithADash()
    {
        var ids = new[] { "0193a5f0-1111-7000-8000-000000000000", "0193a5f0-2222-7000-8000-000000000000" };

        var s = SessionResolver.ShortIds(ids);

        Assert.Equal("0193a5f0-1", s[ids[0]]);
        Assert.Equal("0193a5f0-2", s[ids[1]]);
    }

    [Theory]
    [InlineData(5, "5s")]
    [InlineData(180, "3m")]
    [InlineData(7200, "2h")]
    [InlineData(86400 * 3, "3d")]
    [InlineData(86400 * 21, "3w")]
    public void Age_IsShort(int seconds, string expected)
    {
        var now = DateTimeOffset.Parse("2026-11-25T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var then = Coven.Core.Timestamps.Of(now.AddSeconds(-seconds));

        Assert.Equal(expected, Format.Age(then, now));
    }

    [Theory]
    [InlineData("/home/u/app", "/home/u", "~/app")]
    [InlineData("/home/u", "/home/u", "~")]
    [InlineData("/home/user2/app", "/home/u", "/home/user2/app")]
    [InlineData("/srv/app", null, "/srv/app")]
    public void TildePath_ReplacesHomeOnlyAtAComponentBoundary(string path, string? home, string expected) =>
        Assert.Equal(expected, Format.TildePath(path, home));

    [Theory]
    [InlineData(0, null, "finished", 0)]
    [InlineData(3, null, "failed", 3)]
    [InlineData(null, "SIGTERM", "failed", 143)]
    [InlineData(null, "SIGKILL", "failed", 137)]
    [InlineData(null, null, "orphaned", 1)]
    public void ExitCodeOf_MirrorsTheHarness(int? code, string? signal, string status, int expected) =>
        Assert.Equal(expected, Format.ExitCodeOf(code, signal, status));

    [Fact]
    public void Table_PadsByVisibleWidthAndKeepsColoursOutOfTheLayout()
    {
        var t = new Table("ID", "STATUS", "TITLE");
        t.Add(("abc", string.Empty), ("live", Ansi.Green), ("ünï", string.Empty));
        t.Add(("abcdef", string.Empty), ("failed (exit 3)", Ansi.Red), ("x", string.Empty));
        var plain = new StringWriter { NewLine = "\n" };
        var colored = new StringWriter { NewLine = "\n" };

        t.Write(plain, color: false);
        t.Write(colored, color: true);

        Assert.Equal("ID      STATUS           TITLE\nabc     live             ünï\nabcdef  failed (exit 3)  x\n", plain.ToString());
        Assert.Contains("\e[32mlive\e[0m             ünï", colored.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Table_WideTitles_PadByTerminalColumns()
    {
        // CJK and emoji take two columns each in a terminal (Coven.Terminal.CharWidth, as wcwidth): counted as one,
        // the STATUS column would start inside the wide titles.
        var t = new Table("TITLE", "STATUS");
        t.Add("修复测试", "live");
        t.Add("ship 🚀", "failed");
        t.Add("plain", "finished");
        var plain = new StringWriter { NewLine = "\n" };

        t.Write(plain, color: false);

        Assert.Equal("TITLE     STATUS\n修复测试  live\nship 🚀   failed\nplain     finished\n", plain.ToString());
        Assert.Equal(8, TextWidth.Of("修复测试"));
        Assert.Equal(7, TextWidth.Of("ship 🚀"));
    }

    [Theory]
    [InlineData("修复所有的测试", 6, "修复…")]
    [InlineData("ab修复", 4, "ab…")]
    [InlineData("e\u0301te\u0301 ok", 6, "e\u0301te\u0301 ok")]
    [InlineData("a👍🏽b", 3, "a…")]
    public void Truncate_CutsByColumnsWithoutSplittingATextElement(string text, int max, string expected)
    {
        var cut = TextWidth.Truncate(text, max);

        Assert.Equal(expected, cut);
        Assert.True(TextWidth.Of(cut) <= max, $"{cut} is {TextWidth.Of(cut)} columns, more than {max}");
    }

    [Fact]
    public void ProjectRoot_InsideGitWorkTree_IsTheWorkTree()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.Combine("repo", ".git"));
        Directory.CreateDirectory(dir.Combine("repo", "a", "b"));
        Directory.CreateDirectory(dir.Combine("plain", "c"));
        File.WriteAllText(EnsureDir(dir.Combine("wt")) + "/.git", "gitdir: /elsewhere\n");

        Assert.Equal(dir.Combine("repo"), ProjectRoot.Find(dir.Combine("repo", "a", "b")));
        Assert.Equal(dir.Combine("wt"), ProjectRoot.Find(dir.Combine("wt")));
        Assert.Equal(dir.Combine("plain", "c"), ProjectRoot.Find(dir.Combine("plain", "c")));
    }

    [Fact]
    public async Task Completion_Bash_IsValidShellAndCoversCommands()
    {
        var (code, script, _) = await ParseTests.RunAsync("completion", "bash");
        Assert.Equal(0, code);
        Assert.Contains("complete -F _coven coven", script, StringComparison.Ordinal);
        Assert.Contains("\" rituals\"|\" rituals \"*) words=\"list ls add remove rm run", script, StringComparison.Ordinal);

        using var dir = new TempDir();
        var file = dir.Combine("c.bash");
        await File.WriteAllTextAsync(file, script + "\nCOMP_WORDS=(coven rit); COMP_CWORD=1; _coven; echo \"${COMPREPLY[*]}\"\n"
            + "COMP_WORDS=(coven rituals a); COMP_CWORD=2; _coven; echo \"${COMPREPLY[*]}\"\n"
            + "COMP_WORDS=(coven kill x --s); COMP_CWORD=3; _coven; echo \"${COMPREPLY[*]}\"\n");
        var psi = new ProcessStartInfo("bash", ["--norc", "--noprofile", file]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["PATH"] = "/usr/bin:/bin";
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();

        Assert.True(p.ExitCode == 0, error);
        Assert.Equal("rituals\nadd\n--signal --status\n", output);
    }

    [Fact]
    public async Task Completion_Zsh_LoadsBashCompat()
    {
        var (code, script, _) = await ParseTests.RunAsync("completion", "zsh");

        Assert.Equal(0, code);
        Assert.StartsWith("#compdef coven\nautoload -U +X bashcompinit && bashcompinit\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitCodes_ApiErrors_MapToDocumentedCodes()
    {
        Assert.Equal(4, ExitCodes.ForApiError("session_not_found"));
        Assert.Equal(5, ExitCodes.ForApiError("invalid_transition"));
        Assert.Equal(5, ExitCodes.ForApiError("session_not_live"));
        Assert.Equal(3, ExitCodes.ForApiError("daemon_unreachable"));
        Assert.Equal(2, ExitCodes.ForApiError("ambiguous_session"));
        Assert.Equal(1, ExitCodes.ForApiError("unknown_harness"));
        Assert.Equal(1, ExitCodes.ForApiError("something_new"));
    }

    private static string EnsureDir(string path)
    {
        Directory.CreateDirectory(path);
        return path;
    }
}
