using System.Net;
using System.Text;
using System.Text.Json;
using Coven.TestSupport;
using PuppeteerSharp;
using Xunit.Abstractions;

namespace Coven.Cli.Tests;

/// <summary>
/// The web cockpit (docs/web.md) against a real daemon: its guard with plain HTTP, and the page in a real
/// chromium — the list, live coloured terminals, typing, kill, a screenshot of three live sessions.
/// </summary>
public sealed partial class WebCockpitTests(WebCockpitFixture web, ITestOutputHelper output) : IClassFixture<WebCockpitFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Requests_without_the_token_from_a_foreign_origin_or_for_a_foreign_host_are_refused()
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(web.Origin) };
        var token = (await File.ReadAllTextAsync(web.TokenFile)).Trim();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(web.TokenFile));
        Assert.Equal(web.Origin + "/?token=" + token, web.Url);

        // The exchange: a cookie the page's scripts cannot read, and a page that forwards to the address without the token.
        using var exchange = await http.GetAsync("/?token=" + token);
        Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        var setCookie = Assert.Single(exchange.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, setCookie, StringComparison.Ordinal);
        var forward = await exchange.Content.ReadAsStringAsync();
        Assert.Contains("url=/\"", forward, StringComparison.Ordinal);
        Assert.DoesNotContain(token, forward, StringComparison.Ordinal);
        var cookie = setCookie.Split(';')[0];

        // Positive controls: the cookie and the bearer token both work.
        await AssertStatusAsync(http, HttpStatusCode.OK, null, HttpMethod.Get, "/api/v1/health", ("Cookie", cookie));
        await AssertStatusAsync(http, HttpStatusCode.OK, null, HttpMethod.Get, "/api/v1/sessions", ("Authorization", "Bearer " + token));
        var page = await SendAsync(http, HttpMethod.Get, "/", ("Cookie", cookie));
        Assert.Contains("<title>Coven cockpit</title>", page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(token, page.Body, StringComparison.Ordinal);

        // No token, a wrong one, a wrong cookie.
        await AssertStatusAsync(http, HttpStatusCode.Unauthorized, "web_unauthorized", HttpMethod.Get, "/");
        await AssertStatusAsync(http, HttpStatusCode.Unauthorized, "web_unauthorized", HttpMethod.Get, "/api/v1/sessions");
        await AssertStatusAsync(http, HttpStatusCode.Unauthorized, "web_unauthorized", HttpMethod.Get, "/?token=" + token[..^2] + "xx");
        await AssertStatusAsync(http, HttpStatusCode.Unauthorized, "web_unauthorized", HttpMethod.Get, "/api/v1/health", ("Authorization", "Bearer nope"));
        await AssertStatusAsync(http, HttpStatusCode.Unauthorized, "web_unauthorized", HttpMethod.Get, "/api/v1/health", ("Cookie", cookie.Split('=')[0] + "=forged"));

        // DNS rebinding: a page of evil.example resolved to 127.0.0.1 sends its own Host (even with the token).
        await AssertStatusAsync(http, HttpStatusCode.Forbidden, "web_forbidden", HttpMethod.Get, "/api/v1/health", ("Host", "evil.example:" + new Uri(web.Origin).Port), ("Cookie", cookie));
        await AssertStatusAsync(http, HttpStatusCode.Forbidden, "web_forbidden", HttpMethod.Get, "/?token=" + token, ("Host", "evil.example"));

        var before = await SessionCountAsync();

        // CSRF: a foreign Origin, another site's fetch, or a cookie-authenticated state change without our Origin.
        var launch = JsonSerializer.Serialize(new { projectRoot = web.Daemon.ProjectDir, harness = "colour" });
        await AssertStatusAsync(http, HttpStatusCode.Forbidden, "web_forbidden", HttpMethod.Post, "/api/v1/sessions", launch, ("Cookie", cookie), ("Origin", "http://evil.example"));
        await AssertStatusAsync(http, HttpStatusCode.Forbidden, "web_forbidden", HttpMethod.Post, "/api/v1/sessions", launch, ("Cookie", cookie));
        await AssertStatusAsync(http, HttpStatusCode.Forbidden, "web_forbidden", HttpMethod.Get, "/api/v1/sessions", ("Cookie", cookie), ("Sec-Fetch-Site", "cross-site"));
        await AssertStatusAsync(http, HttpStatusCode.Forbidden, "web_forbidden", HttpMethod.Get, "/api/v1/sessions", ("Cookie", cookie), ("Origin", "http://127.0.0.1:1"));

        // The page is never the listener's manager, not even by a detour.
        await AssertStatusAsync(http, HttpStatusCode.Forbidden, "web_forbidden", HttpMethod.Delete, "/api/v1/web", ("Authorization", "Bearer " + token));
        foreach (var detour in new[] { "/api/v1/sessions/%2e%2e/web", "/api/v1/sessions/..%2F..%2Fweb", "/api/v1/x/%2E/../web" })
        {
            var (status, body) = await SendAsync(http, HttpMethod.Delete, detour, ("Authorization", "Bearer " + token));
            Assert.True(status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{detour}: {(int)status} {body}");
        }

        using (var running = await web.Api.GetAsync("api/v1/web"))
        {
            Assert.Contains("\"running\":true", await running.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Our own Origin with the cookie reaches the daemon, which validates the request as always.
        await AssertStatusAsync(http, HttpStatusCode.BadRequest, "invalid_request", HttpMethod.Post, "/api/v1/sessions", "{}", ("Cookie", cookie), ("Origin", web.Origin));
        Assert.Equal(before, await SessionCountAsync());
    }

    [Fact]
    public async Task The_page_shows_live_sessions_in_colour_takes_typing_and_kills()
    {
        var first = await web.LaunchAsync("alpha");
        var second = await web.LaunchAsync("beta");
        var browser = await web.BrowserAsync();
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1600, Height = 1000 });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e.Message);
        page.Dialog += async (_, e) => await e.Dialog.Accept();

        // The token URL forwards to the page without it.
        await GoToCockpitAsync(page, web.Url);
        await WaitAsync(page, "() => location.search === '' && location.pathname === '/' && window.cockpit !== undefined");

        // The list shows the daemon's sessions.
        await WaitAsync(page, "(a, b) => !!document.querySelector(`#sessions tr[data-id='${a}']`) && !!document.querySelector(`#sessions tr[data-id='${b}']`)", first, second);
        var row = await page.EvaluateFunctionAsync<string>("(id) => document.querySelector(`#sessions tr[data-id='${id}']`).textContent", first);
        Assert.Contains("live", row, StringComparison.Ordinal);
        Assert.Contains("colour", row, StringComparison.Ordinal);
        Assert.Contains("alpha", row, StringComparison.Ordinal);

        // A third from the page's launch form opens its terminal by itself.
        await page.ClickAsync("#launch-box summary");
        await page.TypeAsync("#launch input[name=harness]", "colour");
        await page.EvaluateExpressionAsync("document.querySelector('#launch input[name=projectRoot]').value = ''"); // remembered from another test
        await page.TypeAsync("#launch input[name=projectRoot]", web.Daemon.ProjectDir);
        await page.TypeAsync("#launch input[name=title]", "gamma");
        await page.TypeAsync("#launch textarea[name=prompt]", "gamma");
        await page.TypeAsync("#launch input[name=cols]", "80");
        await page.TypeAsync("#launch input[name=rows]", "12");
        await page.ClickAsync("#launch button");
        await WaitAsync(page, "() => window.cockpit.panes.size === 1");
        var third = await page.EvaluateExpressionAsync<string>("[...window.cockpit.panes.keys()][0]");
        Assert.Equal("live", (await web.Daemon.ShowAsync(third)).GetProperty("status").GetString());

        foreach (var id in new[] { first, second })
        {
            await page.ClickAsync($"#sessions tr[data-id='{id}'] button.open");
        }

        // Each terminal replays its session's output with the colours of the screen: xterm's buffer and its DOM.
        foreach (var (id, title) in new[] { (first, "alpha"), (second, "beta"), (third, "gamma") })
        {
            // The buffer first, then xterm's DOM rows, which it draws on a later animation frame.
            await WaitAsync(page, "(id, title) => window.cockpit.panes.get(id)?.term.buffer.active.getLine(0)?.translateToString(true).includes('red ready') && window.cockpit.panes.get(id).term.buffer.active.getLine(0).translateToString(true).includes(title) && [...window.cockpit.panes.get(id).root.querySelectorAll('.xterm-rows span')].some(s => s.textContent.includes('red'))", id, title);
            var colour = await page.EvaluateFunctionAsync<JsonElement>(
                """
                (id) => {
                  const line = window.cockpit.panes.get(id).term.buffer.active.getLine(0);
                  const text = line.translateToString(true);
                  const red = line.getCell(text.indexOf('red'));
                  const green = line.getCell(text.indexOf('green'));
                  const span = [...window.cockpit.panes.get(id).root.querySelectorAll('.xterm-rows span')].find(s => s.textContent.includes('red'));
                  return { redPalette: red.isFgPalette(), red: red.getFgColor(), greenPalette: green.isFgPalette(), green: green.getFgColor(), greenBold: green.isBold(),
                           domClass: span ? span.className : null, domColor: span ? getComputedStyle(span).color : null };
                }
                """,
                id);
            Assert.True(colour.GetProperty("redPalette").GetBoolean(), colour.ToString());
            Assert.Equal(1, colour.GetProperty("red").GetInt32());
            Assert.Equal(2, colour.GetProperty("green").GetInt32());
            Assert.NotEqual(0, colour.GetProperty("greenBold").GetInt32());
            Assert.Contains("xterm-fg-1", colour.GetProperty("domClass").GetString(), StringComparison.Ordinal);
            Assert.NotEqual("rgb(255, 255, 255)", colour.GetProperty("domColor").GetString());
        }

        // Typing into the focused terminal reaches the harness: it echoes the line, and the daemon recorded the input.
        await page.ClickAsync($".pane[data-id='{second}'] .xterm-screen");
        await page.Keyboard.TypeAsync("hello from the web");
        await page.Keyboard.PressAsync("Enter");
        await WaitAsync(page, "(id) => { const b = window.cockpit.panes.get(id).term.buffer.active; for (let i = 0; i < b.length; i++) if (b.getLine(i).translateToString(true).includes('ECHO:hello from the web')) return true; return false; }", second);
        var events = await web.Api.GetStringAsync($"api/v1/sessions/{second}/events?kind=output&limit=1000");
        Assert.Contains("ECHO:hello from the web", events, StringComparison.Ordinal);
        using (var inputs = JsonDocument.Parse(await web.Api.GetStringAsync($"api/v1/sessions/{second}/events?kind=input&limit=1000")))
        {
            var typed = string.Concat(inputs.RootElement.GetProperty("events").EnumerateArray()
                .Select(e => JsonDocument.Parse(e.GetProperty("payloadJson").GetString()!).RootElement.GetProperty("data").GetString()));
            Assert.Equal("hello from the web\r", typed);
        }

        // The artifact: the cockpit with three live sessions.
        var shot = Path.Combine(WebCockpitFixture.ArtifactDir, "cockpit-three-sessions.png");
        await page.ScreenshotAsync(shot);
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is suspiciously small: " + shot);

        // The Cast Code bar: ~? answers the project's sessions by familiar.
        await page.TypeAsync("#cast-code", "~?");
        await page.Keyboard.PressAsync("Enter");
        await WaitAsync(page, "(a) => !document.getElementById('detail').hidden && document.getElementById('detail-body').textContent.includes(a)", first);
        Assert.Contains("status", await page.EvaluateExpressionAsync<string>("document.getElementById('message').textContent"), StringComparison.Ordinal);

        // Kill from the page ends the session; its pane shows it.
        await page.ClickAsync($"#sessions tr[data-id='{first}'] button.kill");
        var killed = await web.Daemon.WaitForStatusAsync(first, s_timeout, "failed");
        Assert.Equal("killed", killed.GetProperty("endReason").GetString());
        await WaitAsync(page, "(id) => window.cockpit.panes.get(id).status.textContent === 'failed'", first);

        // Detach closes the pane; the session keeps running.
        await page.ClickAsync($".pane[data-id='{third}'] button[title^='detach']");
        await WaitAsync(page, "(id) => !window.cockpit.panes.has(id)", third);
        Assert.Equal("live", (await web.Daemon.ShowAsync(third)).GetProperty("status").GetString());
        Assert.Empty(errors);
    }

    /// <summary>
    /// Twenty sessions printing at once (100 lines/s each), all open in one page: terminals off screen render
    /// nothing and keep their output queued, visible ones drain their queue frame by frame, and an off-screen one
    /// catches up when scrolled into view. The page's frame gaps are recorded (test output and
    /// TestResults/web/twenty-sessions.json), not asserted: a timing bound belongs in a benchmark (docs/web.md).
    /// </summary>
    [Fact]
    public async Task Twenty_printing_sessions_render_only_what_is_visible_and_keep_up()
    {
        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await web.LaunchAsync($"load{i:00}", "printer"));
        }

        var browser = await web.BrowserAsync();
        await using var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1600, Height = 1000 });
        await GoToCockpitAsync(page, web.Url);
        await WaitAsync(page, "(ids) => window.cockpit !== undefined && ids.every(id => window.cockpit.sessions().some(s => s.id === id))", ids);

        // The peer: the same page's frame loop with no terminal open, over 120 frames.
        const string summary =
            """
            (() => {
              const g = window.probe.gaps.slice().sort((a, b) => a - b);
              const pick = (q) => g[Math.min(g.length - 1, Math.floor(q * g.length))];
              const visible = [...window.cockpit.panes.values()].filter(p => p.visible).length;
              return { frames: g.length, meanMs: g.reduce((a, b) => a + b, 0) / g.length, p50Ms: pick(0.5), p95Ms: pick(0.95), p99Ms: pick(0.99), maxMs: g[g.length - 1],
                       maxQueuedVisible: Math.max(0, ...window.probe.queued), visiblePanes: visible, writes: window.cockpit.stats.writes - window.probe.writes, chars: window.cockpit.stats.bytes - window.probe.chars };
            })()
            """;
        await page.EvaluateExpressionAsync(
            """
            (() => {
              const probe = window.probe = { gaps: [], queued: [], last: 0, writes: 0, chars: 0 };
              const tick = (t) => {
                if (probe.last) probe.gaps.push(t - probe.last);
                probe.last = t;
                let q = 0;
                for (const p of window.cockpit.panes.values()) if (p.visible) q += p.queue.length;
                probe.queued.push(q);
                requestAnimationFrame(tick);
              };
              requestAnimationFrame(tick);
            })()
            """);
        await WaitAsync(page, "() => window.probe.gaps.length >= 120");
        var idle = await page.EvaluateExpressionAsync<JsonElement>(summary);
        output.WriteLine("idle cockpit (no terminal open): " + idle);

        await page.EvaluateFunctionAsync(
            """
            (ids) => {
              for (const id of ids) window.cockpit.openPane(window.cockpit.sessions().find(s => s.id === id));
            }
            """,
            ids);

        // A visible terminal shows its session's output live...
        const string lastLine = "(id) => { const b = window.cockpit.panes.get(id).term.buffer.active; for (let i = b.length - 1; i >= 0; i--) { const m = /line ([0-9]+) of/.exec(b.getLine(i).translateToString(true)); if (m) return Number(m[1]); } return 0; }";
        await WaitAsync(page, $"(id) => ({lastLine})(id) >= 600", ids[0]);

        // Steady state (the opening of twenty terminals and their replay are behind): four more seconds of output.
        var from = await page.EvaluateFunctionAsync<int>($"(id) => {{ window.probe.gaps = []; window.probe.queued = []; window.probe.last = 0; window.probe.writes = window.cockpit.stats.writes; window.probe.chars = window.cockpit.stats.bytes; return ({lastLine})(id); }}", ids[0]);
        await WaitAsync(page, $"(id, from) => ({lastLine})(id) >= from + 400", ids[0], from);

        // ...while one off screen has rendered nothing and holds its output.
        var hidden = ids[^1];
        var before = await page.EvaluateFunctionAsync<JsonElement>(
            $"(id) => {{ const p = window.cockpit.panes.get(id); return {{ visible: p.visible, queued: p.queue.length, rendered: ({lastLine})(id) }}; }}", hidden);
        Assert.False(before.GetProperty("visible").GetBoolean(), before.ToString());
        Assert.True(before.GetProperty("queued").GetInt32() > 0, before.ToString());
        Assert.Equal(0, before.GetProperty("rendered").GetInt32());

        var measured = await page.EvaluateExpressionAsync<JsonElement>(summary);
        output.WriteLine("20 printing sessions, steady state (400 more lines of the first pane): " + measured);
        await File.WriteAllTextAsync(Path.Combine(WebCockpitFixture.ArtifactDir, "twenty-sessions.json"), $"{{\"idle\": {idle}, \"twentyPrinting\": {measured}, \"loadAverage\": \"{File.ReadAllText("/proc/loadavg").Trim()}\"}}");

        // Scrolled into view, it catches up with everything its session printed meanwhile.
        await page.EvaluateFunctionAsync("(id) => window.cockpit.panes.get(id).root.scrollIntoView()", hidden);
        await WaitAsync(page, $"(id) => window.cockpit.panes.get(id).visible && ({lastLine})(id) >= 600", hidden);
        Assert.True(measured.GetProperty("visiblePanes").GetInt32() is > 0 and < 20, measured.ToString());

        // The twenty printers would load the machine for the class's other tests.
        foreach (var id in ids)
        {
            await KillAsync(id);
        }
    }

    private async Task<int> SessionCountAsync()
    {
        using var doc = JsonDocument.Parse(await web.Api.GetStringAsync("api/v1/sessions?includeArchived=true&limit=1000"));
        return doc.RootElement.GetProperty("sessions").GetArrayLength();
    }

    /// <summary>
    /// Opens a cockpit URL and waits, from outside the page, until the frame is on the page without the token (the token
    /// URL answers with a refresh to "/"); a wait that still meets the refresh is started again (WaitAsync).
    /// </summary>
    private static async Task GoToCockpitAsync(IPage page, string url)
    {
        await page.GoToAsync(url);
        Assert.True(await Eventually.TrueAsync(() => new Uri(page.Url).Query.Length == 0, s_timeout), $"the page stayed on {page.Url}");
    }

    private static async Task WaitAsync(IPage page, string function, params object[] args)
    {
        var deadline = DateTime.UtcNow + s_timeout;
        while (true)
        {
            try
            {
                var left = deadline - DateTime.UtcNow;
                await page.WaitForFunctionAsync(function, new WaitForFunctionOptions { Timeout = (int)Math.Max(left.TotalMilliseconds, 1), PollingInterval = 50 }, args);
                return;
            }
            catch (WaitTaskTimeoutException e)
            {
                var text = await page.EvaluateExpressionAsync<string>("document.body.innerText");
                throw new TimeoutException($"the page never met {function}; it shows:\n{text}", e);
            }
            catch (PuppeteerException e) when (IsNavigationDuringWait(e) && DateTime.UtcNow < deadline)
            {
                // The document the wait ran in was replaced (the token page's refresh to "/"): wait again in the new one.
            }
        }
    }

    /// <summary>How PuppeteerSharp reports a wait whose document went away under it.</summary>
    private static bool IsNavigationDuringWait(PuppeteerException e) =>
        e.InnerException is ObjectDisposedException
        || e.ToString().Contains("Polling stopped", StringComparison.Ordinal)
        || e.ToString().Contains("Execution context was destroyed", StringComparison.Ordinal);

    private static Task AssertStatusAsync(HttpClient http, HttpStatusCode status, string? code, HttpMethod method, string path, params (string Name, string Value)[] headers) =>
        AssertStatusAsync(http, status, code, method, path, null, headers);

    private static async Task AssertStatusAsync(HttpClient http, HttpStatusCode status, string? code, HttpMethod method, string path, string? json, params (string Name, string Value)[] headers)
    {
        var (actual, body) = await SendAsync(http, method, path, json, headers);
        Assert.True(actual == status, $"{method} {path} [{string.Join(", ", headers.Select(h => h.Name))}]: {(int)actual} {body}");
        if (code is not null)
        {
            using var doc = JsonDocument.Parse(body);
            Assert.Equal(code, doc.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
    }

    private static Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, params (string Name, string Value)[] headers) =>
        SendAsync(http, method, path, null, headers);

    private static async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpClient http, HttpMethod method, string path, string? json, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        foreach (var (name, value) in headers)
        {
            if (name == "Host")
            {
                request.Headers.Host = value;
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}

/// <summary><c>coven web</c> itself: one URL per start, <c>--stop</c> ends the token, a bad port is refused.</summary>
public sealed class WebCommandTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    [Fact]
    public async Task Web_prints_one_url_per_start_and_stop_ends_its_token()
    {
        var first = await daemon.Cli.RunAsync("web");
        Assert.True(first.ExitCode == 0, first.ToString());
        var url = first.Stdout.Trim();
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        var again = await daemon.Cli.RunAsync("web");
        Assert.Equal(url, again.Stdout.Trim());
        var tokenFile = Path.Combine(daemon.HomeDir, "web.token");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        Assert.EndsWith("?token=" + (await File.ReadAllTextAsync(tokenFile)).Trim(), url, StringComparison.Ordinal);

        using var http = new HttpClient(new SocketsHttpHandler { UseCookies = false });
        using (var exchange = await http.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, exchange.StatusCode);
        }

        var busy = await daemon.Cli.RunAsync("web", "--port", "1023");
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains("invalid_request", busy.Stderr, StringComparison.Ordinal);

        var stop = await daemon.Cli.RunAsync("web", "--stop");
        Assert.True(stop.ExitCode == 0, stop.ToString());
        Assert.Equal("web cockpit stopped", stop.Stdout.Trim());
        Assert.False(File.Exists(tokenFile));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(url));

        var next = await daemon.Cli.RunAsync("web");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.NotEqual(url.Split("?token=")[1], next.Stdout.Trim().Split("?token=")[1]);
        Assert.Equal(0, (await daemon.Cli.RunAsync("web", "--stop")).ExitCode);
    }
}
