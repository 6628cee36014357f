using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// Issue 13: a multi-line paste into the real Claude Code after a re-attach reaches it as one prompt. Claude Code
/// (scripted endpoint) runs in a session; <c>coven attach</c> in tmux, detach, attach again, then a bracketed
/// paste of three lines (<c>paste-buffer -p</c>, newlines sent as CR as a terminal does) and Enter. Pasted line
/// by line, Claude would submit the first line alone; as one paste, the model sees one user message holding all
/// three lines.
/// </summary>
public sealed class ClaudePasteAttachTests(AgentDaemonFixture daemon) : IClassFixture<AgentDaemonFixture>, IDisposable
{
    private readonly TmuxPane _pane = new();

    [Fact]
    public async Task Claude_MultiLinePasteAfterReattach_IsOnePrompt()
    {
        RealHarnessDaemon.RequireTool("claude");
        var repo = await daemon.NewGitRepoAsync();
        var run = await daemon.Cli.RunAsync(["run", "claude", "--detach", "--root", repo], stdin: null);
        Assert.True(run.ExitCode == 0, run.ToString());
        var id = run.Stdout.Trim();
        await WaitForAsync(id, "for shortcuts");

        await _pane.StartAsync(daemon.Cli.EnvironmentPairs(), "sh");
        for (var round = 1; round <= 2; round++)
        {
            await _pane.TmuxAsync("send-keys", "-t", "t", $"{CovenCli.Executable} attach {id}", "Enter");
            await _pane.WaitForScreenAsync("for shortcuts");
            if (round == 1)
            {
                await _pane.TmuxAsync("send-keys", "-t", "t", "C-]");
                await _pane.WaitForScreenAsync($"[detached from session {id}]");
            }
        }

        // tmux 3.3 has no format for a pane's bracketed-paste mode: what shows it is what Claude Code receives. The
        // session's screen model says Claude Code asked for it; tmux brackets the paste only if the re-attach
        // turned it on in the pane.
        var screen = await daemon.Cli.RunAsync("screen", id, "--json");
        using (var doc = JsonDocument.Parse(screen.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("bracketedPaste").GetBoolean(), "Claude Code did not enable bracketed paste: " + screen.Stdout);
        }

        const string text = "mk-p1 first line\nmk-p2 second line\nmk-p3 third line";
        await _pane.TmuxAsync("set-buffer", "-b", "p", text);
        await _pane.TmuxAsync("paste-buffer", "-p", "-b", "p", "-t", "t");
        // Claude Code shows a paste as "[Pasted text #1 +2 lines]" or as the lines themselves.
        var shown = await Eventually.TrueAsync(
            async () => (await _pane.TmuxAsync("capture-pane", "-p", "-t", "t")) is var screen
                && (screen.Contains("Pasted text", StringComparison.Ordinal) || screen.Contains("mk-p3 third line", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(15),
            TimeSpan.FromMilliseconds(100));
        Assert.True(shown, "the paste did not appear:\n" + await _pane.TmuxAsync("capture-pane", "-p", "-t", "t"));
        await _pane.TmuxAsync("send-keys", "-t", "t", "Enter");
        await WaitForAsync(id, "ANSWER turns=1 markers=mk-p1,mk-p2,mk-p3");

        var users = daemon.Endpoint.Requests
            .Where(r => r.Path.StartsWith("/v1/messages", StringComparison.Ordinal))
            .SelectMany(r => UserTexts(r.Body))
            .Where(t => t.Contains("mk-p", StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var one = Assert.Single(users);
        Assert.Contains("mk-p1 first line", one, StringComparison.Ordinal);
        Assert.Contains("mk-p3 third line", one, StringComparison.Ordinal);
        Assert.Equal(2, one.Count(c => c == '\n'));

        await _pane.TmuxAsync("send-keys", "-t", "t", "C-]");
        await _pane.WaitForScreenAsync($"[detached from session {id}]");
        await daemon.Cli.RunAsync("kill", id);
    }

    public void Dispose() => _pane.Dispose();

    /// <summary>The texts of the user messages of a Messages API request (string content or text blocks).</summary>
    private static List<string> UserTexts(string body)
    {
        using var doc = JsonDocument.Parse(body);
        if (!doc.RootElement.TryGetProperty("messages", out var messages))
        {
            return [];
        }

        var texts = new List<string>();
        foreach (var m in messages.EnumerateArray().Where(m => m.GetProperty("role").GetString() == "user"))
        {
            var content = m.GetProperty("content");
            if (content.ValueKind == JsonValueKind.String)
            {
                texts.Add(content.GetString()!);
                continue;
            }

            texts.AddRange(content.EnumerateArray()
                .Where(b => b.TryGetProperty("type", out var t) && t.GetString() == "text")
                .Select(b => b.GetProperty("text").GetString()!)
                .Where(t => !t.TrimStart().StartsWith('<')));
        }

        return texts;
    }

    private async Task WaitForAsync(string id, string pattern)
    {
        var waited = await daemon.Cli.RunAsync(["wait", id, "--for", pattern, "--timeout", "40s"], stdin: null, timeout: TimeSpan.FromSeconds(60));
        Assert.True(waited.ExitCode == 0, $"'{pattern}' did not appear on claude session {id}: {waited}\n--- screen\n{(await daemon.Cli.RunAsync("screen", id)).Stdout}");
    }
}
