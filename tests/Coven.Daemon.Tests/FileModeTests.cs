using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>Issue 12 item 13: everything Coven writes in COVEN_HOME is 0600 (directories 0700); the harness keeps the user's umask.</summary>
public sealed class FileModeTests : IAsyncLifetime
{
    private const UnixFileMode GroupOther = (UnixFileMode)0b000_111_111;
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task AfterASession_EveryFileInHomeIs0600_AndTheHarnessKeepsTheUsersUmask()
    {
        _home.Harness.Write("codex", """
            printf 'umask %s\n' "$(umask)"
            echo made > made-by-harness
            printf 'ready\n'
            read -r line
            """);
        var id = await _daemon.Api.LaunchAsync(_home.Project);
        Assert.True(await Eventually.TrueAsync(async () => (await _daemon.Api.OutputAsync(id)).Contains("ready", StringComparison.Ordinal), TimeSpan.FromSeconds(10)));
        Assert.Equal(System.Net.HttpStatusCode.Accepted, (await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"bye\n"}""")).Status);
        Assert.True(await Eventually.TrueAsync(async () => await _daemon.Api.StatusAsync(id) == "finished", TimeSpan.FromSeconds(10)));

        // The harness runs with the umask covend was started with (the test's), not covend's private 077.
        var (_, expected) = await ProcessTools.RunAsync("/bin/sh", "-c", "umask");
        Assert.Contains("umask " + expected.Trim(), await _daemon.Api.OutputAsync(id), StringComparison.Ordinal);
        var made = File.GetUnixFileMode(Path.Combine(_home.Project, "made-by-harness"));
        Assert.NotEqual(UnixFileMode.None, made & UnixFileMode.OtherRead);

        var scaffolding = new[] { _home.Harness.BinDir, _home.Project };
        var files = 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(_home.Home, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (scaffolding.Any(s => entry == s || entry.StartsWith(s + "/", StringComparison.Ordinal)))
            {
                continue; // the test's own fake harnesses and project, not Coven state
            }

            var mode = File.GetUnixFileMode(entry);
            if (Directory.Exists(entry))
            {
                Assert.True(mode == (UnixFileMode)0b111_000_000, $"{entry} is a directory with mode {Convert.ToString((int)mode, 8)}, expected 700");
            }
            else
            {
                files++;
                Assert.True((mode & GroupOther) == 0 && (mode & UnixFileMode.UserExecute) == 0, $"{entry} has mode {Convert.ToString((int)mode, 8)}, expected 600");
            }
        }

        Assert.True(File.Exists(Path.Combine(_home.Home, "coven.db-wal")), "the WAL file exists while covend runs");
        Assert.True(Directory.EnumerateFiles(Path.Combine(_home.Home, "logs"), "lane-*.log").Any(), "a lane log was written");
        Assert.True(files >= 7, $"only {files} files were checked");
    }
}
