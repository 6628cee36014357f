using Coven.TestSupport;

namespace Coven.Cli.Tests;

/// <summary>
/// What the fixtures that run the real harness CLIs share: a temp folder with a private COVEN_HOME, an empty user
/// HOME (so the CLIs start as on a fresh machine, no sign-in or settings of whoever runs the tests), a project
/// folder, a <see cref="CovenCli"/> with no provider key, the daemon started and stopped, and the processes that
/// escaped from the temp folder ended on dispose.
/// </summary>
public abstract class RealHarnessDaemon : IAsyncLifetime, IDisposable
{
    private readonly TempDir _dir = new();

    protected RealHarnessDaemon(Func<string, string> searchPath)
    {
        HomeDir = _dir.Combine("h");
        Directory.CreateDirectory(HomeDir);
        File.SetUnixFileMode(HomeDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        UserHome = _dir.Combine("u");
        Directory.CreateDirectory(UserHome);
        ProjectDir = _dir.Combine("proj");
        Directory.CreateDirectory(ProjectDir);
        Cli = new CovenCli(HomeDir, searchPath(_dir.Path));
        Cli.Environment["HOME"] = UserHome;
        Cli.Environment["ANTHROPIC_API_KEY"] = null;
        Cli.Environment["OPENAI_API_KEY"] = null;
    }

    /// <summary>Where <c>test.sh</c> installs the real harness CLIs.</summary>
    public static string ToolsBin { get; } = Path.Combine(RepoPaths.Root, ".tools", "node_modules", ".bin");

    public string HomeDir { get; }
    public string UserHome { get; }
    public string ProjectDir { get; }
    public CovenCli Cli { get; }

    /// <summary>The fixture's temp folder (everything it makes lives below it).</summary>
    protected string Folder => _dir.Path;

    /// <summary>Fails the calling test (never skips it) when a real harness CLI is not installed.</summary>
    public static void RequireTool(string name)
    {
        var path = Path.Combine(ToolsBin, name);
        Assert.True(
            File.Exists(path),
            $"the real '{name}' CLI is not installed at {path}. Install the harness CLIs with: "
            + "npm install --prefix .tools --no-audit --no-fund @openai/codex@0.171.0 @anthropic-ai/claude-code@2.1.197 (test.sh does this; it needs network once).");
    }

    public virtual async Task InitializeAsync() => await CovenDaemon.StartAsync(Cli);

    public virtual async Task DisposeAsync()
    {
        await CovenDaemon.StopAsync(Cli);
        KillEscapedProcesses();
    }

    /// <summary>
    /// Processes running an executable from this fixture's temp folder. Codex 0.169 starts a shared background
    /// "app-server" from <c>$HOME/.codex/packages</c> that detaches (its own session, reparented to init), so it is
    /// outside the session's process group and outlives the session by design; with a fresh HOME per fixture,
    /// each test run would otherwise leave one behind.
    /// </summary>
    public List<int> EscapedProcesses()
    {
        var found = new List<int>();
        foreach (var pid in ProcFs.Pids())
        {
            try
            {
                var exe = new FileInfo($"/proc/{pid}/exe").LinkTarget;
                if (exe is not null && exe.StartsWith(_dir.Path + "/", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to look at.
            }
        }

        return found;
    }

    private void KillEscapedProcesses()
    {
        foreach (var pid in EscapedProcesses())
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Already gone.
            }
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _dir.Dispose();
        }
    }
}
