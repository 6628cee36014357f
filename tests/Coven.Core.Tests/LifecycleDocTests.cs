using Coven.Core;
using Coven.TestSupport;

namespace Coven.Core.Tests;

/// <summary>docs/session-lifecycle.md embeds the diagram generated from the real machine; this fails when it is stale.</summary>
public sealed class LifecycleDocTests
{
    private const string Begin = "<!-- BEGIN GENERATED: SessionLifecycle.MermaidDiagram() -->";
    private const string End = "<!-- END GENERATED -->";

    [Fact]
    public void SessionLifecycleDoc_Diagram_MatchesTheMachine()
    {
        var docPath = Path.Combine(RepoPaths.Root, "docs", "session-lifecycle.md");
        var doc = File.ReadAllText(docPath);
        var expected = "```mermaid\n" + SessionLifecycle.MermaidDiagram().Trim() + "\n```";

        var start = doc.IndexOf(Begin, StringComparison.Ordinal);
        var end = doc.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"{docPath} lacks the generated-diagram markers");
        var embedded = doc[(start + Begin.Length)..end].Trim();

        if (embedded != expected && Environment.GetEnvironmentVariable("COVEN_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(docPath, doc[..(start + Begin.Length)] + "\n" + expected + "\n" + doc[end..]);
            return;
        }

        Assert.True(
            embedded == expected,
            "docs/session-lifecycle.md is stale; regenerate with: COVEN_UPDATE_DOCS=1 dotnet test tests/Coven.Core.Tests --filter SessionLifecycleDoc");
    }
}
