using Coven.TestSupport;

namespace Coven.Core.Tests;

/// <summary>docs/session-lifecycle.md embeds the diagram generated from the real machine; this fails when it is stale.</summary>
public sealed class LifecycleDocTests
{
    [Fact]
    public void SessionLifecycleDoc_Diagram_MatchesTheMachine() =>
        GeneratedDoc.AssertCurrent(
            "session-lifecycle.md",
            "<!-- BEGIN GENERATED: SessionLifecycle.MermaidDiagram() -->",
            "```mermaid\n" + SessionLifecycle.MermaidDiagram().Trim() + "\n```",
            "dotnet test tests/Coven.Core.Tests --filter SessionLifecycleDoc");
}
