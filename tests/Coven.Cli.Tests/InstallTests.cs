using System.Diagnostics;
using Coven.Core;
using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// SLOW (publishes three programs, NativeAOT: about 1 minute when the Release publish is incremental, 4-5 minutes
/// from scratch on the 2-core VM, twice that beside the other tests). The one test of <c>./install.sh</c>: install into
/// a temp prefix, use what it installed (a daemon started by the installed coven, found next to it), then uninstall.
/// A full <c>./test.sh</c> starts that install before the build, so it overlaps everything else, and names its folder
/// in <c>COVEN_TEST_INSTALL</c> (prefix/, output, status: see test.sh); this test then waits for it and checks what it
/// installed. Without that variable (<c>dotnet test</c>, a filtered run) the test runs <c>./install.sh</c> itself.
/// </summary>
[Collection(nameof(InstallBuild))]
public sealed class InstallTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public async Task InstallSh_PublishesForThisMachineOnly_LinksCoven_AndUninstalls()
    {
        using var dir = new TempDir("cvi-");
        var started = Environment.GetEnvironmentVariable("COVEN_TEST_INSTALL");
        string prefix;
        CliResult install;
        if (string.IsNullOrEmpty(started))
        {
            prefix = dir.Combine("prefix");
            Directory.CreateDirectory(Path.Combine(prefix, "bin"));
            File.WriteAllText(Path.Combine(prefix, "bin", "other-tool"), "not ours");
            install = await RunAsync(Path.Combine(RepoPaths.Root, "install.sh"), "--prefix", prefix);
        }
        else
        {
            prefix = Path.Combine(started, "prefix");
            install = await WaitForStartedInstallAsync(started);
        }

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

    /// <summary>The install test.sh started: its exit code (the status file, written last) and everything it printed.</summary>
    private static async Task<CliResult> WaitForStartedInstallAsync(string folder)
    {
        var status = Path.Combine(folder, "status");
        var output = Path.Combine(folder, "output");
        using var watcher = new FileSystemWatcher(folder, "status") { NotifyFilter = NotifyFilters.FileName };
        var written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.Renamed += (_, _) => written.TrySetResult();
        watcher.Created += (_, _) => written.TrySetResult();
        watcher.EnableRaisingEvents = true;
        if (!File.Exists(status))
        {
            // Under the run's hang timeout (10 minutes); the install started before the build, minutes ago.
            using var timeout = new CancellationTokenSource();
            var finished = await Task.WhenAny(written.Task, Task.Delay(TimeSpan.FromMinutes(9), timeout.Token));
            await timeout.CancelAsync();
            Assert.True(finished == written.Task || File.Exists(status),
                $"the install test.sh started has not finished after 9 more minutes; so far it printed:\n{ReadOrEmpty(output)}");
        }

        var code = int.Parse(File.ReadAllText(status).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        var text = ReadOrEmpty(output);
        return new CliResult(code, text, "(in stdout: test.sh writes both to one file)");
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

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
