using System.Net;
using System.Text;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// Notices (docs/attention.md) from a real daemon: a command sink (a script that appends its stdin to a file) receives
/// each change of a session exactly once, in order (idle, waiting, ended); a webhook sink on 127.0.0.1 gets the ended
/// notice as a JSON POST; a failing sink is logged and does not hold up the others.
/// </summary>
public sealed class NotificationTests : IAsyncLifetime
{
    private readonly DaemonHome _home = new();
    private DaemonProcess _daemon = null!;

    public async Task InitializeAsync() => _daemon = await _home.StartAsync();

    public async Task DisposeAsync() => await _home.DisposeAsync();

    [Fact]
    public async Task CommandSink_GetsEachChangeOnce_WebhookGetsTheEnd_FailingSinkIsLogged()
    {
        var received = Path.Combine(_home.Home, "received.jsonl");
        var sink = _home.Harness.Write("append-notice", $"cat >> '{received}'\necho >> '{received}'");
        var failing = _home.Harness.Write("failing-notice", "cat > /dev/null\necho 'no pager here' >&2\nexit 3");

        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var posts = new List<string>();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                try
                {
                    using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                    {
                        var body = await reader.ReadToEndAsync();
                        lock (posts)
                        {
                            posts.Add(context.Request.HttpMethod + " " + context.Request.ContentType + " " + body);
                        }
                    }

                    context.Response.StatusCode = 204;
                    context.Response.Close();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return; // the listener was stopped while answering
                }
            }
        });

        await File.WriteAllTextAsync(Path.Combine(_home.Home, "notify.json"), JsonSerializer.Serialize(new
        {
            desktop = false,
            sinks = new object[]
            {
                new { id = "fails", command = new[] { failing } },
                new { id = "file", command = new[] { sink } },
                new { id = "hook", webhook = $"http://127.0.0.1:{port}/coven", on = new[] { "ended" } },
            },
        }));
        var exe = _home.Harness.Write("asks", """
            printf 'ready\n'
            while IFS= read -r line; do
              if [ "$line" = ask ]; then printf 'Proceed with the change? [y/n] '; fi
            done
            """);
        await File.WriteAllTextAsync(
            Path.Combine(_home.Home, "harnesses.json"),
            JsonSerializer.Serialize(new { harnesses = new[] { new { id = "asks", executable = exe, idleAfterMs = 300, waitingPatterns = new[] { @"Proceed with the change\? \[y/n\]" } } } }));
        var id = await _daemon.Api.LaunchAsync(_home.Project, "asks", prompt: null);

        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Notices(received).Count >= 1), TimeSpan.FromSeconds(15)), "no idle notice");
        Assert.Equal(202, (int)(await _daemon.Api.PostAsync($"api/v1/sessions/{id}/input", """{"data":"ask\r"}""")).Status);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Notices(received).Count >= 2), TimeSpan.FromSeconds(15)), "no waiting notice: " + File.ReadAllText(received));
        await _daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", """{"signal":"KILL","graceMs":0}""");
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Notices(received).Any(n => n.GetProperty("event").GetString() == "ended")), TimeSpan.FromSeconds(15)), "no ended notice: " + File.ReadAllText(received));

        var notices = Notices(received);
        Assert.Equal(["idle", "waiting", "ended"], notices.Select(n => n.GetProperty("event").GetString()));
        Assert.All(notices, n => Assert.Equal(id, n.GetProperty("sessionId").GetString()));
        Assert.All(notices, n => Assert.Equal("asks", n.GetProperty("harness").GetString()));
        Assert.Equal("failed", notices[2].GetProperty("status").GetString());
        Assert.Contains("Proceed with the change", notices[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.True(notices[0].GetProperty("seq").GetInt64() < notices[1].GetProperty("seq").GetInt64());

        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Posts().Count == 1), TimeSpan.FromSeconds(15)), "the webhook got: " + string.Join("\n", Posts()));
        Assert.StartsWith("POST application/json", Posts()[0], StringComparison.Ordinal);
        Assert.Contains("\"event\":\"ended\"", Posts()[0], StringComparison.Ordinal);

        var log = Path.Combine(_home.Home, "logs", "covend.log");
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(File.Exists(log) && File.ReadAllText(log).Contains("notice to fails failed", StringComparison.Ordinal)), TimeSpan.FromSeconds(15)), "the failing sink was not logged");
        Assert.Contains("exited 3: no pager here", File.ReadAllText(log), StringComparison.Ordinal);

        listener.Stop();
        await serving;

        List<string> Posts()
        {
            lock (posts)
            {
                return [.. posts];
            }
        }
    }

    /// <summary>
    /// The desktop sink: a <c>notify-send</c> on covend's PATH (a script standing in for libnotify's, which needs a
    /// D-Bus session this machine has not got) is run by argv with the app name, a title naming the session and the
    /// change, once per change; <c>"desktop": false</c> in notify.json turns it off.
    /// </summary>
    [Fact]
    public async Task DesktopSink_RunsNotifySendOncePerChange_UnlessTurnedOff()
    {
        await using var home = new DaemonHome();
        var calls = Path.Combine(home.Home, "notify-send.calls");
        // One write per call (the line built first): the test reads the file while a call may be writing it.
        home.Harness.Write("notify-send", $"line=\nfor a in \"$@\"; do line=\"$line$a\t\"; done\nprintf '%s\\n' \"$line\" >> '{calls}'");
        var exe = home.Harness.Write("quiet", "printf 'ready\\n'\nwhile IFS= read -r line; do printf 'got %s\\n' \"$line\"; done");
        await File.WriteAllTextAsync(
            Path.Combine(home.Home, "harnesses.json"),
            JsonSerializer.Serialize(new { harnesses = new[] { new { id = "quiet", executable = exe, idleAfterMs = 300 } } }));
        var daemon = await home.StartAsync(); // disposed by home

        var id = await daemon.Api.LaunchAsync(home.Project, "quiet", prompt: null);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Calls(calls).Count >= 1), TimeSpan.FromSeconds(15)), "notify-send was not run for the idle change");
        var idle = Calls(calls)[0];
        Assert.Equal("--app-name=coven", idle[0]);
        Assert.EndsWith(": idle", idle[1], StringComparison.Ordinal);
        Assert.Contains(id[..8], idle[2], StringComparison.Ordinal);

        await daemon.Api.PostAsync($"api/v1/sessions/{id}/kill", """{"signal":"KILL","graceMs":0}""");
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Calls(calls).Count >= 2), TimeSpan.FromSeconds(15)), "notify-send was not run for the end");
        Assert.EndsWith(": ended", Calls(calls)[1][1], StringComparison.Ordinal);

        // Turned off: a second session's changes reach the command sink but not notify-send.
        var received = Path.Combine(home.Home, "received.jsonl");
        var sink = home.Harness.Write("append-notice", $"cat >> '{received}'\necho >> '{received}'");
        await File.WriteAllTextAsync(Path.Combine(home.Home, "notify.json"), JsonSerializer.Serialize(new { desktop = false, sinks = new object[] { new { id = "file", command = new[] { sink } } } }));
        var second = await daemon.Api.LaunchAsync(home.Project, "quiet", prompt: null);
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Notices(received).Any(n => n.GetProperty("sessionId").GetString() == second)), TimeSpan.FromSeconds(15)), "the command sink got nothing");
        Assert.Equal(2, Calls(calls).Count);
        await daemon.Api.PostAsync($"api/v1/sessions/{second}/kill", """{"signal":"KILL","graceMs":0}""");
    }

    private static List<string[]> Calls(string path) =>
        File.Exists(path)
            ? [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => l.TrimEnd('\t').Split('\t'))]
            : [];

    private static List<JsonElement> Notices(string path) =>
        File.Exists(path)
            ? [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement.Clone())]
            : [];

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
