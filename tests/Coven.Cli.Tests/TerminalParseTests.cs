using System.CommandLine.Invocation;

namespace Coven.Cli.Tests;

/// <summary>Arguments of screen, wait and send --submit, parsed in-process (no daemon involved).</summary>
public sealed class TerminalParseTests
{
    public static TheoryData<string[]> ValidCommandLines => new()
    {
        new[] { "screen", "0193" },
        new[] { "screen", "0193", "--ansi" },
        new[] { "screen", "0193", "--json" },
        new[] { "wait", "0193", "--for", "Sign in" },
        new[] { "wait", "0193", "--for", "x", "--timeout", "10s", "--json" },
        new[] { "wait", "0193", "--settle", "500ms" },
        new[] { "wait", "0193", "--exit", "--timeout", "1h" },
        new[] { "send", "0193", "--submit", "fix the tests" },
        new[] { "send", "0193", "fix the tests", "--submit", "--json" },
    };

    public static TheoryData<string[], string> InvalidCommandLines => new()
    {
        { new[] { "screen" }, "coven screen" },
        { new[] { "screen", "a", "b" }, "coven screen" },
        { new[] { "wait", "a" }, "coven wait" },
        { new[] { "wait", "a", "--exit", "--for", "x" }, "coven wait" },
        { new[] { "wait", "a", "--settle", "soon" }, "coven wait" },
        { new[] { "wait", "a", "--exit", "--timeout", "later" }, "coven wait" },
        { new[] { "send", "a", "text", "--submit", "--enter" }, "coven send" },
    };

    [Theory]
    [MemberData(nameof(ValidCommandLines))]
    public void Parse_ValidCommandLine_HasNoErrors(string[] args)
    {
        var parse = ParseTests.NewApp(out _, out _).Root.Parse(args);

        Assert.Empty(parse.Errors);
        Assert.IsNotType<ParseErrorAction>(parse.Action);
    }

    [Theory]
    [MemberData(nameof(InvalidCommandLines))]
    public async Task Run_InvalidCommandLine_ExitsTwoWithUsage(string[] args, string usagePrefix)
    {
        var (code, stdout, stderr) = await ParseTests.RunAsync(args);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("Usage: " + usagePrefix, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ExitCodes_WaitTimeout_Is124()
    {
        Assert.Equal(124, ExitCodes.Timeout);
    }
}
