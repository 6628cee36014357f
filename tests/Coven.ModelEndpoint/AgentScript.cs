using System.Globalization;
using System.Text.RegularExpressions;

namespace Coven.ModelEndpoint;

/// <summary>A conversation item, reduced to what the script looks at.</summary>
public sealed record ConversationItem(ConversationRole Role, string Text);

public enum ConversationRole
{
    /// <summary>Text the user typed (harness-injected context such as &lt;environment_context&gt; is left out).</summary>
    User,
    Assistant,

    /// <summary>The result of a tool call the harness ran.</summary>
    ToolResult,
}

/// <summary>What the model answers: text, or one shell command to run.</summary>
public sealed record AgentReply(string? Text, string? Command)
{
    public static AgentReply Say(string text) => new(text, null);

    public static AgentReply Run(string command) => new(null, command);
}

/// <summary>
/// The script, decided by the conversation a request carries (so a test scripts a turn by what it types):
/// <list type="bullet">
/// <item>the last item is a tool result: <c>ANSWER done turns=N markers=…</c> (the final answer after the tool);</item>
/// <item>the last user text contains <c>make file NAME</c>: a shell tool call that writes NAME in the working
/// directory (<c>printf 'written by the agent\n' &gt; NAME</c>);</item>
/// <item>otherwise: <c>ANSWER turns=N markers=…</c>.</item>
/// </list>
/// N counts the user turns the request carried, markers are the words <c>mk-…</c> of those turns in order (or
/// <c>none</c>): together they reveal how much history a request had, and whose.
/// </summary>
public static partial class AgentScript
{
    public const string Model = "coven-scripted";

    public static AgentReply Decide(IReadOnlyList<ConversationItem> items)
    {
        var users = items.Where(i => i.Role == ConversationRole.User).ToList();
        var markers = users.SelectMany(u => MarkerPattern().Matches(u.Text).Select(m => m.Value)).ToList();
        var summary = string.Create(CultureInfo.InvariantCulture, $"turns={users.Count} markers={(markers.Count == 0 ? "none" : string.Join(',', markers))}");
        var last = items.LastOrDefault(i => i.Role != ConversationRole.Assistant);
        if (last is null)
        {
            return AgentReply.Say("ANSWER " + summary);
        }

        if (last.Role == ConversationRole.ToolResult)
        {
            return AgentReply.Say("ANSWER done " + summary);
        }

        var make = MakeFilePattern().Match(last.Text);
        return make.Success
            ? AgentReply.Run($"printf 'written by the agent\\n' > {make.Groups[1].Value}")
            : AgentReply.Say("ANSWER " + summary);
    }

    /// <summary>Text a harness injects as a user message (instructions, environment) rather than typed by the user.</summary>
    public static bool IsInjected(string text)
    {
        var t = text.TrimStart();
        return t.Length == 0 || t.StartsWith('<') || t.StartsWith("# AGENTS.md", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\bmk-[a-z0-9]+\b")]
    private static partial Regex MarkerPattern();

    [GeneratedRegex(@"make file ([A-Za-z0-9._-]+)")]
    private static partial Regex MakeFilePattern();
}
