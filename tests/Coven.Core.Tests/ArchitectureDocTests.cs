using System.Text;
using System.Xml.Linq;
using Coven.TestSupport;

namespace Coven.Core.Tests;

/// <summary>
/// docs/architecture.md embeds the project dependency graph generated from the ProjectReferences of src/*/*.csproj;
/// this fails when it is stale.
/// </summary>
public sealed class ArchitectureDocTests
{
    [Fact]
    public void ArchitectureDoc_DependencyGraph_MatchesTheProjects()
    {
        var graph = DependencyGraph(Path.Combine(RepoPaths.Root, "src"));
        Assert.Contains("Daemon --> Store", graph, StringComparison.Ordinal);
        GeneratedDoc.AssertCurrent(
            "architecture.md",
            "<!-- BEGIN GENERATED: ProjectReferences of src/*/*.csproj -->",
            graph,
            "dotnet test tests/Coven.Core.Tests --filter ArchitectureDoc");
    }

    /// <summary>A Mermaid flowchart: one node per project (executables with their program name), one edge per reference.</summary>
    internal static string DependencyGraph(string srcDir)
    {
        var projects = Directory.GetFiles(srcDir, "*.csproj", SearchOption.AllDirectories)
            .Select(path => (Path: path, Name: System.IO.Path.GetFileNameWithoutExtension(path), Xml: XDocument.Load(path)))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        Assert.NotEmpty(projects);

        var text = new StringBuilder("```mermaid\nflowchart TD\n");
        foreach (var (_, name, xml) in projects)
        {
            var program = Property(xml, "OutputType") == "Exe" ? $" · {Property(xml, "AssemblyName") ?? name}" : string.Empty;
            text.Append('\t').Append(Node(name)).Append("[\"").Append(name).Append(program).Append("\"]\n");
        }

        foreach (var (path, name, xml) in projects)
        {
            var references = xml.Descendants("ProjectReference")
                .Select(r => System.IO.Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .Order(StringComparer.Ordinal);
            foreach (var reference in references)
            {
                Assert.True(projects.Any(p => p.Name == reference), $"{path} references {reference}, which is not a project under src/");
                text.Append('\t').Append(Node(name)).Append(" --> ").Append(Node(reference)).Append('\n');
            }
        }

        return text.Append("```").ToString();
    }

    private static string Node(string project) => project.StartsWith("Coven.", StringComparison.Ordinal) ? project["Coven.".Length..] : project;

    private static string? Property(XDocument xml, string name) => xml.Descendants(name).FirstOrDefault()?.Value.Trim();
}
