using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary><c>coven search</c> and <c>coven logs --grep</c> end to end: coven → covend → coven-lane → a fake harness.</summary>
public sealed class SearchCommandTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private CovenCli Cli => daemon.Cli;

    /// <summary>A session that printed "marimbaphone" as "mari" and, later, "m" "ba" "phone" with colour codes between.</summary>
    private async Task<string> SplitWordSessionAsync()
    {
        daemon.RegisterHarness("splitword", "printf 'tuning the\\n'\nprintf 'loud mari'\nsleep 0.2\nprintf '\\033[31mm\\033[0mba\\033[1;34mphone\\033[0m here\\r\\n'\nprintf 'quiet after\\n'");
        var id = await daemon.RunDetachedAsync("splitword");
        await daemon.WaitForStatusAsync(id, s_wait, "finished");
        return id;
    }

    [Fact]
    public async Task Search_finds_a_word_split_across_writes_with_colour_codes_and_prints_session_time_and_line()
    {
        var id = await SplitWordSessionAsync();

        var r = await Cli.RunAsync("search", "marimbaphone");
        Assert.True(r.ExitCode == 0, r.ToString());
        // The class's other tests ran the same harness: this session's match is the one whose ref ends its id.
        var matches = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(matches, l => Assert.Matches(@"^[0-9a-f]{6,}  \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: loud marimbaphone here$", l));
        Assert.Single(matches, l => id.EndsWith(l[..l.IndexOf(' ', StringComparison.Ordinal)], StringComparison.Ordinal));

        var withContext = await Cli.RunAsync("search", "-C", "1", "--session", id, "marimbaphone");
        Assert.True(withContext.ExitCode == 0, withContext.ToString());
        var lines = withContext.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.EndsWith("- tuning the", lines[0], StringComparison.Ordinal);
        Assert.EndsWith(": loud marimbaphone here", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("- quiet after", lines[2], StringComparison.Ordinal);

        var json = await Cli.RunAsync("search", "--json", "--harness", "splitword", "--since", "1h", "--session", id, "marimbaphone");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = JsonDocument.Parse(json.Stdout);
        Assert.Equal(id, Assert.Single(doc.RootElement.GetProperty("hits").EnumerateArray()).GetProperty("sessionId").GetString());
    }

    [Fact]
    public async Task Search_exit_codes_are_like_greps()
    {
        await SplitWordSessionAsync();

        var none = await Cli.RunAsync("search", "nosuchwordanywhere");
        Assert.True(none.ExitCode == 1, none.ToString());
        Assert.Equal(string.Empty, none.Stdout);

        var otherHarness = await Cli.RunAsync("search", "--harness", "codex", "marimbaphone");
        Assert.True(otherHarness.ExitCode == 1, otherHarness.ToString());

        var bad = await Cli.RunAsync("search", "--fts", "\"unbalanced");
        Assert.True(bad.ExitCode == 2, bad.ToString());
        Assert.Contains("not a valid FTS5 query", bad.Stderr, StringComparison.Ordinal);

        var usage = await Cli.RunAsync("search", "-C", "50", "x");
        Assert.True(usage.ExitCode == 2, usage.ToString());
    }

    [Fact]
    public async Task Logs_grep_prints_the_matching_lines_of_one_session()
    {
        var id = await SplitWordSessionAsync();

        var regex = await Cli.RunAsync("logs", id, "--grep", "mari[a-z]+phone");
        Assert.True(regex.ExitCode == 0, regex.ToString());
        Assert.Equal("loud marimbaphone here\n", regex.Stdout);

        var context = await Cli.RunAsync("logs", id, "-F", "-i", "--grep", "QUIET", "-C", "1");
        Assert.True(context.ExitCode == 0, context.ToString());
        Assert.Equal("loud marimbaphone here\nquiet after\n", context.Stdout);

        var fixedText = await Cli.RunAsync("logs", id, "-F", "--grep", "[a-z]+");
        Assert.True(fixedText.ExitCode == 1, fixedText.ToString());

        var badRegex = await Cli.RunAsync("logs", id, "--grep", "(unclosed");
        Assert.True(badRegex.ExitCode == 2, badRegex.ToString());
        Assert.Contains("invalid --grep pattern", badRegex.Stderr, StringComparison.Ordinal);
    }
}
