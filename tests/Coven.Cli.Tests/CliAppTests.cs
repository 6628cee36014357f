using Coven.Cli.Output;

namespace Coven.Cli.Tests;

/// <summary>The command table that lets a one-shot command build only itself (CliApp.Commands).</summary>
public sealed class CliAppTests
{
    private static CliConsole Console() => CliConsole.ForTest(TextWriter.Null, TextWriter.Null, _ => null);

    private static HashSet<string> NamesOf(System.CommandLine.Command root) =>
        [.. root.Subcommands.SelectMany(c => c.Aliases.Prepend(c.Name))];

    [Fact]
    public void EachEntry_NamesExactlyTheCommandsItsAddRegisters_AndTheTableCoversTheWholeTree()
    {
        var all = NamesOf(new CliApp(Console()).Root);
        var covered = new HashSet<string>();
        foreach (var (names, _) in CliApp.Commands.Where(c => c.Names[0] != "completion"))
        {
            // Built for a line that runs this entry's first name: only that entry is added.
            var app = new CliApp(Console(), args: [names[0], "--help"]);
            Assert.Equal(names.Order(StringComparer.Ordinal), NamesOf(app.Root).Order(StringComparer.Ordinal));
            covered.UnionWith(names);
        }

        // Completion lists every command, so a completion line builds the whole tree (InvokedCommand is null for it).
        covered.UnionWith(["completion", "__complete"]);
        Assert.Equal(all.Order(StringComparer.Ordinal), covered.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("ls", "ls")]
    [InlineData("--home /tmp/h sessions --json", "sessions")]
    [InlineData("--home=/tmp/h -H ssh://box run codex", "run")]
    [InlineData("-H box kill abc", "kill")]
    [InlineData("--help", null)]
    [InlineData("", null)]
    [InlineData("completion bash", null)]
    [InlineData("__complete sessions", null)]
    [InlineData("@args.rsp", null)]
    [InlineData("--home run ls", "ls")]
    public void InvokedCommand_SkipsRootOptionsAndTheirValues(string line, string? expected) =>
        Assert.Equal(expected, CliApp.InvokedCommand(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

    [Fact]
    public void UnknownCommand_BuildsTheWholeTree_SoTheErrorCanSuggest()
    {
        var app = new CliApp(Console(), args: ["sesions"]);
        Assert.Equal(NamesOf(new CliApp(Console()).Root), NamesOf(app.Root));
    }
}
