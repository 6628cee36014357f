using System.Diagnostics;
using Coven.Core;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// Three builds of coven, coven-lane and covend for <see cref="UpgradeTests"/>, made once per test run: A is the
/// build the tests run (artifacts/bin/&lt;Configuration&gt;); B the same sources built as the next patch version; C is B
/// with the lane protocol raised to 2 (a release that changes the protocol). B and C are JIT builds of a copy of the
/// source tree (own obj and bin, so the tree the other tests use is never touched), with analyzers off: they check
/// nothing the main build has not checked. B compiles everything (34 s of CPU, 36 with sys, without the shared compiler
/// server, on the 2-core VM); C is an incremental build on top of B's obj and output that recompiles only Coven.Core,
/// where the protocol is defined (16 s of CPU, mostly MSBuild and restore), so C has B's version number.
/// </summary>
public sealed class TwoBuildsFixture : IDisposable
{
    private readonly TempDir _dir = new("cvb-");

    public TwoBuildsFixture()
    {
        A = Path.GetDirectoryName(CovenBinaries.Find("coven"))!;
        var a = Version.Parse(ProductVersion.Number);
        VersionA = ProductVersion.Number;
        VersionB = $"{a.Major}.{a.Minor}.{a.Build + 1}";
        VersionC = VersionB;

        var tree = _dir.Combine("src");
        var watch = Stopwatch.StartNew();
        CopyTree(tree);
        // Both builds write the same output folder, so C's build sees B's outputs up to date (a new folder would hold
        // new reference assemblies, and everything would be compiled again): B is copied aside first.
        var output = Path.Combine(tree, "out", "build");
        B = Path.Combine(tree, "out", "b");
        CopyDirectory(Build(tree, VersionB, output), B);
        BuildTimeB = watch.Elapsed;

        // The one line a protocol change makes different: both ends of the lane socket take it from LaneFrame.
        var frame = Path.Combine(tree, "src", "Coven.Core", "Lanes", "LaneFrame.cs");
        var text = File.ReadAllText(frame);
        const string protocol1 = "public static int ProtocolVersion => 1;";
        if (!text.Contains(protocol1, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{frame} no longer declares '{protocol1}': update TwoBuildsFixture");
        }

        File.WriteAllText(frame, text.Replace(protocol1, "public static int ProtocolVersion => 2;", StringComparison.Ordinal));
        watch.Restart();
        C = Build(tree, VersionC, output);
        BuildTimeC = watch.Elapsed;
    }

    /// <summary>The folders holding each build's three programs.</summary>
    public string A { get; }
    public string B { get; }
    public string C { get; }

    public string VersionA { get; }
    public string VersionB { get; }
    public string VersionC { get; }

    /// <summary>Copying the tree and building B; building C.</summary>
    public TimeSpan BuildTimeB { get; }
    public TimeSpan BuildTimeC { get; }

    public void Dispose() => _dir.Dispose();

    /// <summary>The paths of tests/build-tree.txt (test.sh copies the same list for its install).</summary>
    private static void CopyTree(string tree)
    {
        Directory.CreateDirectory(tree);
        foreach (var line in File.ReadAllLines(Path.Combine(RepoPaths.Root, "tests", "build-tree.txt")))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var from = Path.Combine(RepoPaths.Root, line);
            if (Directory.Exists(from))
            {
                CopyDirectory(from, Path.Combine(tree, line));
            }
            else
            {
                File.Copy(from, Path.Combine(tree, line));
            }
        }

        // The web cockpit's npm packages (embedded by covend's build): the main tree's, so the copy never runs npm.
        var modules = Path.Combine(RepoPaths.Root, "src", "Coven.Daemon", "Web", "node_modules");
        var target = Path.Combine(tree, "src", "Coven.Daemon", "Web", "node_modules");
        if (Directory.Exists(modules))
        {
            Directory.CreateSymbolicLink(target, modules);
        }
        else
        {
            // No packages in the main tree either: build without the cockpit (it is not what these builds are for).
            Directory.CreateDirectory(target);
            File.WriteAllText(Path.Combine(target, ".package-lock.json"), "{}");
        }

        File.WriteAllText(Path.Combine(tree, "programs.slnx"), """
            <Solution>
              <Project Path="src/Coven.Cli/Coven.Cli.csproj" />
              <Project Path="src/Coven.Lane/Coven.Lane.csproj" />
              <Project Path="src/Coven.Daemon/Coven.Daemon.csproj" />
            </Solution>
            """);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(dir);
            if (name is not ("bin" or "obj" or "node_modules"))
            {
                CopyDirectory(dir, Path.Combine(to, name));
            }
        }
    }

    private static string Build(string tree, string version, string output)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = tree,
        };
        foreach (var arg in new[]
        {
            "build", Path.Combine(tree, "programs.slnx"), "-c", RepoPaths.Configuration, "-nologo", "-v", "quiet", "-nodeReuse:false",
            "-p:CovenVersion=" + version, "-p:OutDir=" + output + "/",
            "-p:RunAnalyzers=false", "-p:EnforceCodeStyleInBuild=false", "-p:GenerateDocumentationFile=false", "-p:TreatWarningsAsErrors=false",
        })
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet build of version {version} did not finish in 8 minutes");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet build of version {version} failed ({process.ExitCode}):\n{stdout.Result}\n{stderr.Result}");
        }

        RequirePrograms(output, version);
        return output;
    }

    private static void RequirePrograms(string output, string version)
    {
        foreach (var exe in new[] { "coven", "coven-lane", "covend" })
        {
            if (!File.Exists(Path.Combine(output, exe)))
            {
                throw new InvalidOperationException($"the build of version {version} has no {exe} in {output}");
            }
        }
    }
}
