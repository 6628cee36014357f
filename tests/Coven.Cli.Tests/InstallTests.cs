using System.Diagnostics;
using Coven.Core;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// SLOW (publishes three programs, NativeAOT: about 1 minute when the Release publish is incremental, 3-5 minutes
/// from scratch on the 2-core VM). The one test of <c>./install.sh</c>: install into a temp prefix, use what it
/// installed (a daemon started by the installed coven, found next to it), then uninstall.
/// </summary>
public sealed class InstallTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task InstallSh_PublishesForThisMachineOnly_LinksCoven_AndUninstalls()
    {
        using var dir = new TempDir("cvi-");
        var prefix = dir.Combine("prefix");
        Directory.CreateDirectory(Path.Combine(prefix, "bin"));
        File.WriteAllText(Path.Combine(prefix, "bin", "other-tool"), "not ours");

        var install = await RunAsync(Path.Combine(RepoPaths.Root, "install.sh"), "--prefix", prefix);
        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains($"{prefix}/bin is not on your PATH", install.Stdout, StringComparison.Ordinal);

        var lib = Path.Combine(prefix, "lib", "coven");
        foreach (var exe in new[] { "coven", "coven-lane", "covend" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(lib, exe));
            Assert.True(mode.HasFlag(UnixFileMode.UserExecute), $"{exe} is not executable");
        }

        var files = Directory.GetFileSystemEntries(lib).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain("runtimes", files);
        Assert.DoesNotContain("web.config", files);
        Assert.DoesNotContain(files, f => f!.EndsWith(".dbg", StringComparison.Ordinal) || f.EndsWith(".pdb", StringComparison.Ordinal));
        var size = Directory.GetFiles(lib).Sum(f => new FileInfo(f).Length);
        // Three NativeAOT programs and SQLite for this RID are ~42 MB (covend carries HTTP client code for webhooks and
        // the cockpit's forwarder, and the cockpit's assets); 22 platforms' runtimes/ or the .dbg files would be 20-33 MB more.
        Assert.True(size < 48L * 1024 * 1024, $"install is {size / 1024 / 1024} MB: {string.Join(' ', files)}");
        Assert.DoesNotContain(files, f => f!.EndsWith(".xml", StringComparison.Ordinal));

        var link = new FileInfo(Path.Combine(prefix, "bin", "coven"));
        Assert.Equal(Path.Combine(lib, "coven"), link.LinkTarget);
        var coven = link.FullName;

        var version = await RunAsync(coven, "--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.Equal(ProductVersion.Full, version.Stdout.Trim());

        // The installed coven starts the installed covend (next to its target), which serves from the installed lane.
        var home = dir.Combine("h");
        var start = await RunAsync(coven, "--home", home, "daemon", "start");
        try
        {
            Assert.True(start.ExitCode == 0, start.ToString());
            var status = await RunAsync(coven, "--home", home, "daemon", "status", "--json");
            Assert.Contains($"\"covenVersion\": \"{ProductVersion.Number}\"", status.Stdout, StringComparison.Ordinal);
        }
        finally
        {
            await RunAsync(coven, "--home", home, "daemon", "stop");
        }

        var uninstall = await RunAsync(Path.Combine(RepoPaths.Root, "install.sh"), "--prefix", prefix, "--uninstall");
        Assert.True(uninstall.ExitCode == 0, uninstall.ToString());
        Assert.False(Directory.Exists(lib), "lib/coven is still there");
        Assert.False(File.Exists(coven) || new FileInfo(coven).LinkTarget is not null, "bin/coven is still there");
        Assert.True(File.Exists(Path.Combine(prefix, "bin", "other-tool")), "uninstall removed a file it did not install");
    }

    private static async Task<CliResult> RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("COVEN_HOME");
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(9));
        await process.WaitForExitAsync(cts.Token);
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }
}
