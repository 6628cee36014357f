using System.Text.RegularExpressions;
using Coven.TestSupport;

namespace Coven.Core.Tests;

/// <summary>
/// The guard of the one interop tree (src/Shared/README.md): every native entry point of the repository is declared
/// once, in src/Shared/Interop, one function per file, and linked into the assemblies that call it. A second
/// LibraryImport/DllImport of the same function anywhere in src/ or tests/ fails here.
/// </summary>
public sealed partial class InteropDeclarationTests
{
    private static readonly string SharedInterop = Path.Combine("src", "Shared", "Interop") + Path.DirectorySeparatorChar;

    [Fact]
    public void EveryEntryPoint_IsDeclaredOnce_InTheSharedInteropTree()
    {
        var declarations = Scan();

        // The tree has ~50 libc functions: a scan that finds few has stopped seeing them, and would prove nothing.
        Assert.True(declarations.Count >= 40, $"only {declarations.Count} native declarations found under {RepoPaths.Root}");

        var twice = declarations.GroupBy(d => d.EntryPoint)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.File))}")
            .ToList();
        Assert.True(twice.Count == 0, "entry points declared more than once:\n" + string.Join('\n', twice));

        var outside = declarations.Where(d => !d.File.StartsWith(SharedInterop, StringComparison.Ordinal)).Select(d => $"{d.EntryPoint} in {d.File}").ToList();
        Assert.True(outside.Count == 0, "native declarations outside src/Shared/Interop (move them there and link them):\n" + string.Join('\n', outside));

        var crowded = declarations.GroupBy(d => d.File).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(d => d.EntryPoint))}").ToList();
        Assert.True(crowded.Count == 0, "one native function per file:\n" + string.Join('\n', crowded));
    }

    [Fact]
    public void Scan_SeesADuplicateDeclaration()
    {
        // The parser of the guard above, on two files that declare kill: it must find both. (The attribute names are
        // put in at run time, or the scan of the tree would find this sample.)
        var text = """
            internal static partial class Libc
            {
                [LIBRARY(LibraryName, EntryPoint = "kill", SetLastError = true)]
                internal static partial int Kill(int pid, int signal);

                [DLL("libc")]
                private static extern int getpid();
            }
            """.Replace("[LIBRARY(", "[LibraryImport(", StringComparison.Ordinal).Replace("[DLL(", "[DllImport(", StringComparison.Ordinal);
        var found = Parse("a.cs", text).Concat(Parse("b.cs", text)).ToList();
        Assert.Equal(["kill", "getpid", "kill", "getpid"], found.Select(d => d.EntryPoint));
        Assert.Equal(2, found.GroupBy(d => d.EntryPoint).Count(g => g.Count() > 1));
    }

    private static List<Declaration> Scan()
    {
        var result = new List<Declaration>();
        foreach (var top in new[] { "src", "tests" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, top), "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(RepoPaths.Root, file);
                if (relative.Split(Path.DirectorySeparatorChar) is var parts && (parts.Contains("bin") || parts.Contains("obj")))
                {
                    continue;
                }

                result.AddRange(Parse(relative, File.ReadAllText(file)));
            }
        }

        return result;
    }

    private static IEnumerable<Declaration> Parse(string file, string text)
    {
        foreach (Match m in ImportAttribute().Matches(text))
        {
            var entry = EntryPointArgument().Match(m.Groups["args"].Value);
            yield return new Declaration(entry.Success ? entry.Groups["name"].Value : m.Groups["method"].Value, file);
        }
    }

    // An attribute line [LibraryImport(...)] or [DllImport(...)] and the method declared after it (other attributes
    // may stand between); the entry point is EntryPoint = "..." or else the method's name.
    [GeneratedRegex("""^[ \t]*\[(?:LibraryImport|DllImport)\((?<args>[^\]]*)\)\][^(]*?\b(?<method>\w+)\s*\(""", RegexOptions.Multiline)]
    private static partial Regex ImportAttribute();

    [GeneratedRegex(@"EntryPoint\s*=\s*""(?<name>[^""]+)""")]
    private static partial Regex EntryPointArgument();

    private sealed record Declaration(string EntryPoint, string File);
}
