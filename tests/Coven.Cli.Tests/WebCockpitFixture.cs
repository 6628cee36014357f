using System.Net.Http.Json;
using System.Text.Json;
using Coven.TestSupport;
using PuppeteerSharp;

namespace Coven.Cli.Tests;

/// <summary>
/// A real covend (<see cref="DaemonFixture"/>) with its web cockpit started by <c>coven web --json</c>, and Debian's
/// chromium driven headless over the DevTools protocol (PuppeteerSharp; the system browser, never a download).
/// A missing chromium fails the tests that need it (test.sh installs it).
/// </summary>
public sealed class WebCockpitFixture : IAsyncLifetime, IDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    private readonly TempDir _profile = new();
    private IBrowser? _browser;

    public WebCockpitFixture()
    {
        // Coloured output, then echoes every line it reads (so typing in the page shows up in its output).
        Daemon.RegisterHarness("colour", "printf '\\033[31mred ready\\033[0m \\033[1;32mgreen bold\\033[0m %s\\n' \"$1\"\nwhile IFS= read -r line; do printf 'ECHO:%s\\n' \"$line\"; done");

        // Prints its terminal size at start and at every SIGWINCH (what a resize from the page must reach).
        Daemon.RegisterHarness("winch", "trap 'printf \"SIZE:%s\\n\" \"$(stty size)\"' WINCH\nprintf 'SIZE:%s\\n' \"$(stty size)\"\nwhile :; do sleep 60 & p=$!; wait $p; kill $p 2>/dev/null; done");

        // Prints its working directory and each argv element in brackets, then exits (what a launch from the page ran).
        Daemon.RegisterHarness("where", "printf 'cwd:%s\\n' \"$(pwd -P)\"\nfor a in \"$@\"; do printf 'arg:[%s]\\n' \"$a\"; done");

        // Prints coloured numbered lines for ever, 20 at a time five times a second (the 20-session load).
        Daemon.RegisterHarness("printer", "i=0\nwhile :; do\n  j=0\n  while [ $j -lt 20 ]; do i=$((i+1)); j=$((j+1)); printf '\\033[3%dmline %d of %s\\033[0m\\n' $((i % 7 + 1)) $i \"$1\"; done\n  sleep 0.2\ndone");
    }

    public DaemonFixture Daemon { get; } = new();

    /// <summary>The URL <c>coven web</c> printed (with the token), and the listener's origin.</summary>
    public string Url { get; private set; } = string.Empty;
    public string Origin { get; private set; } = string.Empty;
    public string TokenFile { get; private set; } = string.Empty;

    public HttpClient Api { get; private set; } = null!;

    /// <summary>Where the test run leaves its artifacts (screenshots): $COVEN_TEST_ARTIFACTS, else tests/Coven.Cli.Tests/TestResults/web.</summary>
    public static string ArtifactDir
    {
        get
        {
            var dir = Environment.GetEnvironmentVariable("COVEN_TEST_ARTIFACTS") is { Length: > 0 } set
                ? Path.Combine(set, "web")
                : Path.Combine(RepoPaths.Root, "tests", "Coven.Cli.Tests", "TestResults", "web");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public async Task InitializeAsync()
    {
        await Daemon.InitializeAsync();
        Api = UnixSocketHttp.Create(Path.Combine(Daemon.HomeDir, "coven.sock"));
        var r = await Daemon.Cli.RunAsync("web", "--json");
        Assert.True(r.ExitCode == 0, "coven web failed: " + r);
        using var doc = JsonDocument.Parse(r.Stdout);
        Url = doc.RootElement.GetProperty("url").GetString()!;
        Origin = doc.RootElement.GetProperty("origin").GetString()!;
        TokenFile = doc.RootElement.GetProperty("tokenFile").GetString()!;
    }

    /// <summary>The browser, started on first use; fails (never skips) when chromium is not installed.</summary>
    public async Task<IBrowser> BrowserAsync()
    {
        Assert.True(File.Exists(Chromium), $"chromium is not installed at {Chromium}: the web cockpit tests need a real browser. Install it with: apt-get install -y chromium (test.sh does this).");
        return _browser ??= await Puppeteer.LaunchAsync(new LaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            UserDataDir = _profile.Combine("profile"),
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            ],
            Timeout = 60_000,
        });
    }

    /// <summary>Launches a session over the socket API with a small terminal (three fit on one screenshot).</summary>
    public async Task<string> LaunchAsync(string title, string harness = "colour", int cols = 80, int rows = 12)
    {
        using var response = await Api.PostAsJsonAsync("api/v1/sessions", new { projectRoot = Daemon.ProjectDir, harness, prompt = title, title, cols, rows });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, "launch failed: " + body);
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.GetProperty("id").GetString()!;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
            await _browser.DisposeAsync();
        }

        Api?.Dispose();
        await Daemon.DisposeAsync();
    }

    public void Dispose()
    {
        Daemon.Dispose();
        _profile.Dispose();
    }
}
