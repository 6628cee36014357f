using System.CommandLine;
using System.CommandLine.Invocation;
using Coven.Cli.Output;

namespace Coven.Cli.Tests;

/// <summary>Every command's arguments, parsed in-process (no daemon involved).</summary>
public sealed class ParseTests
{
    private const string Id = "0193a5f0-1234-7abc-8def-0123456789ab";

    public static TheoryData<string[]> ValidCommandLines => new()
    {
        new[] { "run", "codex" },
        new[] { "run", "codex", "fix the tests" },
        new[] { "run", "claude", "p", "--cwd", "sub", "--root", "/tmp", "--title", "t", "--model", "m", "--detach" },
        new[] { "run", "codex", "-d", "--json" },
        new[] { "run", "codex", "--detach-key", "ctrl-q" },
        new[] { "sessions" },
        new[] { "ls", "--all", "--status", "finished,failed", "--harness", "codex", "--root", "/tmp", "--json" },
        new[] { "ls", "-n", "5", "-q" },
        new[] { "show", Id },
        new[] { "show", "0193", "--json" },
        new[] { "logs", "0193" },
        new[] { "logs", "0193", "-f", "--raw", "--since", "42" },
        new[] { "attach", "0193" },
        new[] { "attach", "0193", "--detach-key", "^a" },
        new[] { "send", "0193", "hello" },
        new[] { "send", "0193", "hello", "--enter" },
        new[] { "kill", "0193" },
        new[] { "kill", "0193", "--signal", "INT", "--grace", "500ms" },
        new[] { "kill", "0193", "-s", "9" },
        new[] { "archive", "0193" },
        new[] { "summon", "0193", "--json" },
        new[] { "sacrifice", "0193", "--yes" },
        new[] { "sacrifice", "0193", "-y", "--json" },
        new[] { "rituals", "list" },
        new[] { "rituals", "ls", "--json" },
        new[] { "rituals", "add", "archive", "--status", "finished,failed", "--older-than", "7d", "--every", "1h" },
        new[] { "rituals", "add", "sacrifice", "--status", "archived", "--cron", "0 0 3 * * ?" },
        new[] { "rituals", "add", "--defaults" },
        new[] { "rituals", "remove", "s1" },
        new[] { "rituals", "rm", "s1" },
        new[] { "rituals", "run", "s1", "--json" },
        new[] { "daemon", "start" },
        new[] { "daemon", "stop" },
        new[] { "daemon", "status", "--json" },
        new[] { "daemon", "restart" },
        new[] { "daemon", "logs", "-f" },
        new[] { "doctor" },
        new[] { "doctor", "--json" },
        new[] { "capabilities" },
        new[] { "capabilities", "--json" },
        new[] { "action", "session.kill", "--session", "0193", "--arg", "signal=INT", "--arg", "graceMs=100" },
        new[] { "action", "rituals.run" },
        new[] { "completion", "bash" },
        new[] { "completion", "zsh" },
        new[] { "run" },
        new[] { "run", "-p", "fix the tests", "-d" },
        new[] { "familiars", "list" },
        new[] { "familiars", "ls", "--json", "--root", "/tmp" },
        new[] { "familiars", "add", "scout", "--harness", "claude" },
        new[] { "familiars", "add", "builder", "--harness", "codex", "--model", "m", "--", "--full-auto", "-x" },
        new[] { "familiars", "remove", "scout" },
        new[] { "familiars", "rm", "scout" },
        new[] { "cast", "~?" },
        new[] { "cast", "~delegate:scout fix it", "--json", "--root", "/tmp" },
        new[] { "cast", "~^ resume", "-t", "0193" },
        new[] { "handoff", "0193" },
        new[] { "handoff", "0193", "--to", "builder", "--json" },
        new[] { "handoff", "0193", "-n", "5" },
        new[] { "resume" },
        new[] { "resume", "0193", "-d", "--json" },
        new[] { "--home", "/tmp/x", "ls" },
        new[] { "ls", "--home", "/tmp/x" },
    };

    public static TheoryData<string[], string> InvalidCommandLines => new()
    {
        { new[] { "bogus" }, "coven" },
        { new[] { "run", "codex", "p", "extra" }, "coven run" },
        { new[] { "run", "codex", "p", "--nope" }, "coven run" },
        { new[] { "sessions", "--status", "sleeping" }, "coven sessions" },
        { new[] { "ls", "--limit", "0" }, "coven sessions" },
        { new[] { "ls", "--limit", "x" }, "coven sessions" },
        { new[] { "show" }, "coven show" },
        { new[] { "show", "a", "b" }, "coven show" },
        { new[] { "logs" }, "coven logs" },
        { new[] { "logs", "a", "--since", "-1" }, "coven logs" },
        { new[] { "logs", "a", "--since", "x" }, "coven logs" },
        { new[] { "attach" }, "coven attach" },
        { new[] { "send", "a" }, "coven send" },
        { new[] { "kill" }, "coven kill" },
        { new[] { "kill", "a", "--signal", "SIGFOO" }, "coven kill" },
        { new[] { "kill", "a", "--grace", "soon" }, "coven kill" },
        { new[] { "archive" }, "coven archive" },
        { new[] { "summon" }, "coven summon" },
        { new[] { "sacrifice" }, "coven sacrifice" },
        { new[] { "rituals" }, "coven rituals" },
        { new[] { "rituals", "add", "banish", "--every", "1h" }, "coven rituals add" },
        { new[] { "rituals", "add", "archive" }, "coven rituals add" },
        { new[] { "rituals", "add" }, "coven rituals add" },
        { new[] { "rituals", "add", "archive", "--defaults" }, "coven rituals add" },
        { new[] { "rituals", "add", "--defaults", "--every", "1h" }, "coven rituals add" },
        { new[] { "rituals", "add", "archive", "--every", "1h", "--cron", "x" }, "coven rituals add" },
        { new[] { "rituals", "add", "archive", "--every", "often" }, "coven rituals add" },
        { new[] { "rituals", "add", "archive", "--every", "1h", "--older-than", "old" }, "coven rituals add" },
        { new[] { "rituals", "add", "archive", "--every", "1h", "--status", "zombie" }, "coven rituals add" },
        { new[] { "rituals", "remove" }, "coven rituals remove" },
        { new[] { "rituals", "run" }, "coven rituals run" },
        { new[] { "daemon" }, "coven daemon" },
        { new[] { "daemon", "explode" }, "coven daemon" },
        { new[] { "doctor", "now" }, "coven doctor" },
        { new[] { "capabilities", "x" }, "coven capabilities" },
        { new[] { "action" }, "coven action" },
        { new[] { "action", "session.kill", "--arg", "novalue" }, "coven action" },
        { new[] { "completion" }, "coven completion" },
        { new[] { "completion", "tcsh" }, "coven completion" },
        { new[] { "familiars" }, "coven familiars" },
        { new[] { "familiars", "add", "scout" }, "coven familiars add" },
        { new[] { "familiars", "remove" }, "coven familiars remove" },
        { new[] { "cast" }, "coven cast" },
        { new[] { "handoff" }, "coven handoff" },
        { new[] { "handoff", "a", "--lines", "0" }, "coven handoff" },
        { new[] { "resume", "a", "b" }, "coven resume" },
        { new[] { "--home" }, "coven" },
    };

    [Theory]
    [MemberData(nameof(ValidCommandLines))]
    public void Parse_ValidCommandLine_HasNoErrors(string[] args)
    {
        var parse = NewApp(out _, out _).Root.Parse(args);

        Assert.Empty(parse.Errors);
        Assert.IsNotType<ParseErrorAction>(parse.Action);
        Assert.NotNull(parse.Action);
    }

    [Theory]
    [MemberData(nameof(InvalidCommandLines))]
    public async Task Run_InvalidCommandLine_ExitsTwoWithUsage(string[] args, string usagePrefix)
    {
        var (code, stdout, stderr) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("coven: ", stderr, StringComparison.Ordinal);
        Assert.Contains("Usage: " + usagePrefix, stderr, StringComparison.Ordinal);

        // System.CommandLine's stock sentences are said in coven's words (UsageErrors).
        foreach (var stock in s_stockSentences)
        {
            Assert.DoesNotContain(stock, stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>How System.CommandLine's own parse errors start (what UsageErrors rewrites).</summary>
    private static readonly string[] s_stockSentences =
        ["Required ", "Cannot parse", "Unrecognized command or argument", "Must be one of", "expects a single argument"];

    [Theory]
    [InlineData(new[] { "show" }, "coven: missing <id> for 'coven show' (usage)")]
    [InlineData(new[] { "logs", "a", "--tail" }, "coven: --tail needs a value (<lines>) (usage)")]
    [InlineData(new[] { "daemon" }, "coven: 'coven daemon' needs a command: start, stop, status, restart, logs (usage)")]
    [InlineData(new[] { "ls", "--limit", "x" }, "coven: invalid value 'x' for --limit: expected a whole number (usage)")]
    [InlineData(new[] { "show", "a", "b" }, "coven: unexpected argument 'b' for 'coven show' (usage)")]
    [InlineData(new[] { "run", "codex", "p", "--nope" }, "coven: unknown option '--nope' for 'coven run' (usage)")]
    [InlineData(new[] { "completion", "tcsh" }, "coven: invalid value 'tcsh' for <shell>: expected one of bash, zsh, fish (usage)")]
    [InlineData(new[] { "--home" }, "coven: --home needs a value (<dir>) (usage)")]
    [InlineData(new string[0], "coven: 'coven' needs a command (usage)")]
    [InlineData(new[] { "sesions" }, "coven: unknown command 'sesions' for 'coven' (did you mean 'sessions'?) (usage)")]
    [InlineData(new[] { "daemon", "stp" }, "coven: unknown command 'stp' for 'coven daemon' (did you mean 'stop'?) (usage)")]
    [InlineData(new[] { "ls", "--limt", "3" }, "coven: unknown option '--limt' for 'coven sessions' (did you mean '--limit'?) (usage)")]
    [InlineData(new[] { "ls", "--hme", "/tmp" }, "coven: unknown option '--hme' for 'coven sessions' (did you mean '--home'?) (usage)")]
    [InlineData(new[] { "zzzzzz" }, "coven: unknown command 'zzzzzz' for 'coven' (usage)")]
    [InlineData(new[] { "ls", "--limit", "1", "--limit", "2" }, "coven: --limit takes one value; it was given 2 (usage)")]
    public async Task Run_MissingOrWrongPiece_SaysWhatIsMissing(string[] args, string firstLine)
    {
        var (code, _, stderr) = await RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal(firstLine, stderr.Split('\n')[0]);
    }

    [Fact]
    public async Task Run_BadDetachKey_ExitsTwo()
    {
        var (code, _, stderr) = await RunAsync("attach", "0193", "--detach-key", "shift-x");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("invalid detach key", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Values_ReachTheOptions()
    {
        var app = NewApp(out _, out _);
        var parse = app.Root.Parse(["--home", "/tmp/h", "kill", "abc", "--signal", "INT", "--grace", "2s"]);

        Assert.Equal("kill", parse.CommandResult.Command.Name);
        Assert.Equal("/tmp/h", app.PathsFor(parse).Home);
        Assert.Equal(["abc"], parse.GetValue<string[]>("session") ?? []);
        Assert.Equal("INT", parse.GetValue<string?>("--signal"));
        Assert.Equal("2s", parse.GetValue<string?>("--grace"));
    }

    [Fact]
    public void PathsFor_NoHomeOption_UsesCovenHomeThenHomeDirectory()
    {
        var withEnv = new CliApp(CliConsole.ForTest(TextWriter.Null, TextWriter.Null, n => n == "COVEN_HOME" ? "/tmp/cvn-env" : null));
        Assert.Equal("/tmp/cvn-env", withEnv.PathsFor(withEnv.Root.Parse(["ls"])).Home);

        var withoutEnv = new CliApp(CliConsole.ForTest(TextWriter.Null, TextWriter.Null, n => n == "HOME" ? "/home/u" : null));
        Assert.Equal("/home/u/.coven", withoutEnv.PathsFor(withoutEnv.Root.Parse(["ls"])).Home);
    }

    [Fact]
    public void Sessions_LsAlias_IsTheSameCommand()
    {
        var app = NewApp(out _, out _);

        Assert.Equal("sessions", app.Root.Parse(["ls"]).CommandResult.Command.Name);
    }

    [Fact]
    public async Task Help_EveryCommand_ShowsUsageAndAnExample()
    {
        var app = NewApp(out _, out _);
        var commands = new List<Command>();
        var stack = new Stack<Command>([app.Root]);
        while (stack.Count > 0)
        {
            var c = stack.Pop();
            commands.Add(c);
            foreach (var s in c.Subcommands)
            {
                stack.Push(s);
            }
        }

        Assert.True(commands.Count > 20);
        foreach (var command in commands)
        {
            var path = CliApp.CommandPath(command).Split(' ').Skip(1).Append("--help").ToArray();
            var (code, stdout, stderr) = await RunAsync(path);

            Assert.True(code == 0, $"{string.Join(' ', path)}: exit {code} {stderr}");
            Assert.Contains("Usage:\n  " + CliApp.CommandPath(command), stdout, StringComparison.Ordinal);
            Assert.Matches(@"Examples?:\n  coven ", stdout);
        }
    }

    [Fact]
    public async Task Help_Root_ListsSubcommandsByFirstLineOnly()
    {
        var (code, stdout, _) = await RunAsync("--help");

        Assert.Equal(0, code);
        Assert.Contains("  sessions, ls", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("coven ls --json | jq", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sessions_DaemonNotRunningAndNoAutostart_ExitsThree()
    {
        using var dir = new Coven.TestSupport.TempDir();
        var (code, _, stderr) = await RunAsync(
            n => n switch { "COVEN_HOME" => dir.Path, "COVEN_NO_AUTOSTART" => "1", _ => null },
            "sessions");

        Assert.Equal(ExitCodes.DaemonUnreachable, code);
        Assert.Matches(@"^coven: daemon not running at .*coven\.sock .*\(daemon_unreachable\)\n$", stderr);
    }

    [Fact]
    public async Task Sessions_DaemonExecutableMissing_ExitsThree()
    {
        using var dir = new Coven.TestSupport.TempDir();
        var (code, _, stderr) = await RunAsync(
            n => n switch { "COVEN_HOME" => dir.Path, "COVEN_DAEMON_PATH" => dir.Combine("no-covend"), _ => null },
            "show", "abc");

        Assert.Equal(ExitCodes.DaemonUnreachable, code);
        Assert.Contains("(daemon_unreachable)", stderr, StringComparison.Ordinal);
        Assert.Contains("no-covend does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DaemonStatus_NotRunning_ExitsThreeWithoutStartingIt()
    {
        using var dir = new Coven.TestSupport.TempDir();
        var (code, _, stderr) = await RunAsync(n => n == "COVEN_HOME" ? dir.Path : null, "daemon", "status");

        Assert.Equal(ExitCodes.DaemonUnreachable, code);
        Assert.Contains("daemon not running", stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("daemon.json")));
    }

    [Fact]
    public async Task DaemonStop_NotRunning_SaysSoAndSucceeds()
    {
        using var dir = new Coven.TestSupport.TempDir();
        var (code, stdout, _) = await RunAsync(n => n == "COVEN_HOME" ? dir.Path : null, "daemon", "stop");

        Assert.Equal(0, code);
        Assert.Equal("daemon not running\n", stdout);
    }

    [Fact]
    public async Task Version_PrintsTheBuildVersionWithItsCommit()
    {
        var (code, stdout, stderr) = await RunAsync("--version");

        Assert.True(code == 0, stderr);
        Assert.Equal(Coven.Core.ProductVersion.Full + "\n", stdout);
        Assert.StartsWith(Coven.Core.ProductVersion.Number, stdout, StringComparison.Ordinal);
        Assert.Matches(@"^\d+\.\d+\.\d+", stdout);
    }

    internal static CliApp NewApp(out StringWriter stdout, out StringWriter stderr, Func<string, string?>? env = null)
    {
        stdout = new StringWriter { NewLine = "\n" };
        stderr = new StringWriter { NewLine = "\n" };
        return new CliApp(CliConsole.ForTest(stdout, stderr, env ?? (n => n == "COVEN_NO_AUTOSTART" ? "1" : n == "COVEN_HOME" ? "/tmp/cvn-parse-none" : null)));
    }

    internal static Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args) => RunAsync(null, args);

    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(Func<string, string?>? env, params string[] args)
    {
        var app = NewApp(out var stdout, out var stderr, env);
        var code = await app.RunAsync(args, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
