using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coven.TestSupport;
using PuppeteerSharp;

namespace Coven.Cli.Tests;

/// <summary>
/// What the page does to sessions, checked through the daemon's API (never the page): fit-resize reaching the harness,
/// archive/summon/sacrifice (sacrifice only after its confirmation), a worktree session's diff, launch by familiar and
/// by harness+cwd+prompt, and <c>coven web --open</c>. Same class (and so the same daemon and browser) as
/// <see cref="WebCockpitTests"/>.
/// </summary>
public sealed partial class WebCockpitTests
{
    [Fact]
    public async Task Fit_resizes_the_session_to_its_pane_and_the_harness_gets_the_new_size()
    {
        var id = await web.LaunchAsync("winch", "winch", cols: 200, rows: 60);
        await using var page = await OpenCockpitAsync(1600, 1000);
        await WaitAsync(page, "(id) => !!document.querySelector(`#sessions tr[data-id='${id}'] button.open`)", id);
        await page.ClickAsync($"#sessions tr[data-id='{id}'] button.open");
        await WaitForTextAsync(page, id, "SIZE:60 200");

        // The pane of a 1600x1000 window is narrower and lower than 200x60: fit shrinks the session; then a smaller window, again.
        var sizes = new List<(int Cols, int Rows)>();
        foreach (var (width, height) in new[] { (1600, 1000), (1100, 700) })
        {
            await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = height });
            var proposed = await page.EvaluateFunctionAsync<JsonElement>("(id) => window.cockpit.panes.get(id).fit.proposeDimensions()", id);
            var (cols, rows) = (Math.Max(20, proposed.GetProperty("cols").GetInt32()), Math.Max(5, proposed.GetProperty("rows").GetInt32()));
            await page.ClickAsync($".pane[data-id='{id}'] button[title^='resize']");

            // The daemon records the size, the harness got SIGWINCH and reads it from its terminal, the page's terminal follows.
            await WaitForRecordAsync(id, r => r.GetProperty("cols").GetInt32() == cols && r.GetProperty("rows").GetInt32() == rows);
            await WaitForOutputAsync(id, $"SIZE:{rows} {cols}");
            await WaitAsync(page, "(id, cols, rows) => { const t = window.cockpit.panes.get(id).term; return t.cols === cols && t.rows === rows; }", id, cols, rows);
            sizes.Add((cols, rows));
        }

        Assert.True(sizes[0].Cols < 200 && sizes[0].Rows < 60, $"the first fit did not shrink 200x60: {sizes[0]}");
        Assert.True(sizes[1].Cols < sizes[0].Cols && sizes[1].Rows < sizes[0].Rows, $"the smaller window did not give a smaller terminal: {sizes[0]} then {sizes[1]}");
        await KillAsync(id);
    }

    [Fact]
    public async Task Archive_summon_and_sacrifice_from_the_page_sacrifice_only_once_confirmed()
    {
        var id = await web.LaunchAsync("ritual", "quick");
        await web.Daemon.WaitForStatusAsync(id, s_timeout, "finished");
        await using var page = await OpenCockpitAsync(1600, 1000);
        var dialogs = new List<string>();
        var accept = false;
        page.Dialog += async (_, e) =>
        {
            lock (dialogs)
            {
                dialogs.Add(e.Dialog.Message);
            }

            if (Volatile.Read(ref accept))
            {
                await e.Dialog.Accept();
            }
            else
            {
                await e.Dialog.Dismiss();
            }
        };
        var sacrificeRequests = 0;
        page.Request += (_, e) =>
        {
            if (e.Request.Url.EndsWith("/sacrifice", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref sacrificeRequests);
            }
        };
        string Row(string button) => $"#sessions tr[data-id='{id}'] button.{button}";

        // Archive: the daemon archives it, the default list no longer shows it.
        await WaitAsync(page, "(s) => !!document.querySelector(s)", Row("archive"));
        await page.ClickAsync(Row("archive"));
        var archived = await web.Daemon.WaitForStatusAsync(id, s_timeout, "archived");
        Assert.Equal("finished", archived.GetProperty("archivedFrom").GetString());
        await WaitAsync(page, "(id) => !document.querySelector(`#sessions tr[data-id='${id}']`)", id);

        // Summon, from the list with archived sessions shown: back to finished.
        await page.ClickAsync("#archived");
        await WaitAsync(page, "(s) => !!document.querySelector(s)", Row("summon"));
        await page.ClickAsync(Row("summon"));
        await web.Daemon.WaitForStatusAsync(id, s_timeout, "finished");

        // Sacrifice, declined: no request, the session and its events stay.
        var events = await EventCountAsync(id);
        await WaitAsync(page, "(s) => !!document.querySelector(s)", Row("sacrifice"));
        await page.ClickAsync(Row("sacrifice"));
        await WaitAsync(page, "(id) => document.getElementById('message').textContent === `sacrifice of ${id.slice(-8)} cancelled`", id);
        Assert.Equal(0, Volatile.Read(ref sacrificeRequests));
        Assert.Equal("finished", (await web.Daemon.ShowAsync(id)).GetProperty("status").GetString());
        Assert.Equal(events, await EventCountAsync(id));

        // Sacrifice, confirmed: the daemon deletes it; the page's list drops it.
        Volatile.Write(ref accept, true);
        await page.ClickAsync(Row("sacrifice"));
        Assert.True(
            await Eventually.TrueAsync(async () => (await web.Api.GetAsync($"api/v1/sessions/{id}")).StatusCode == HttpStatusCode.NotFound, s_timeout, TimeSpan.FromMilliseconds(50)),
            "the confirmed sacrifice did not delete the session");
        await WaitAsync(page, "(id) => !document.querySelector(`#sessions tr[data-id='${id}']`)", id);
        Assert.Equal(1, Volatile.Read(ref sacrificeRequests));
        lock (dialogs)
        {
            Assert.Equal(2, dialogs.Count);
            Assert.All(dialogs, d => Assert.Contains("\"ritual\"", d, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_worktree_session_launched_from_the_page_shows_its_diff()
    {
        using var dir = new TempDir();
        var repo = GitRepo.InitWithCommit(dir.Combine("repo"));
        await using var page = await OpenCockpitAsync(1600, 1000);

        // The writer harness writes its prompt into note.txt in its cwd: the session's own worktree.
        var id = await LaunchFromFormAsync(page, ("harness", "writer"), ("projectRoot", repo), ("title", "diffed"), ("prompt", "written in the worktree"), ("worktree", "on"));
        await web.Daemon.WaitForStatusAsync(id, s_timeout, "finished");
        using var doc = JsonDocument.Parse(await web.Api.GetStringAsync($"api/v1/sessions/{id}"));
        var record = doc.RootElement;
        var worktree = record.GetProperty("worktree").GetProperty("path").GetString()!;
        Assert.Equal("written in the worktree\n", await File.ReadAllTextAsync(Path.Combine(worktree, "note.txt")));
        Assert.False(File.Exists(Path.Combine(repo, "note.txt")), "the harness wrote into the repository, not its worktree");

        await WaitAsync(page, "(id) => !window.cockpit.panes.get(id).diffButton.hidden", id);
        await page.ClickAsync($".pane[data-id='{id}'] button[title^='changes']");
        await WaitAsync(page, "() => !document.getElementById('detail').hidden && document.getElementById('detail-body').textContent.includes('+written in the worktree')");
        var shown = await page.EvaluateExpressionAsync<string>("document.getElementById('detail-title').textContent + '\\n' + document.getElementById('detail-body').textContent");
        Assert.Contains("note.txt", shown, StringComparison.Ordinal);
        Assert.Contains(record.GetProperty("worktree").GetProperty("branch").GetString()!, shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_from_the_form_as_a_familiar_and_by_harness_cwd_and_prompt()
    {
        // A familiar registered through the CLI, before the page loads its choices.
        var added = await web.Daemon.Cli.RunAsync("familiars", "add", "webscout", "--harness", "where", "--", "--as-scout");
        Assert.True(added.ExitCode == 0, added.ToString());
        Directory.CreateDirectory(Path.Combine(web.Daemon.ProjectDir, "sub", "dir"));
        await using var page = await OpenCockpitAsync(1600, 1000);
        await WaitAsync(page, "() => !!document.querySelector(`#launch select[name=familiar] option[value='webscout']`)");

        var asFamiliar = await LaunchFromFormAsync(page, ("familiar", "webscout"), ("projectRoot", web.Daemon.ProjectDir), ("prompt", "find the bug"));
        var record = await web.Daemon.WaitForStatusAsync(asFamiliar, s_timeout, "finished");
        Assert.Equal("webscout", record.GetProperty("familiar").GetString());
        Assert.Equal("where", record.GetProperty("harness").GetString());
        Assert.Equal(web.Daemon.ProjectDir, record.GetProperty("cwd").GetString());
        Assert.Equal("find the bug", record.GetProperty("prompt").GetString());
        var output = await OutputAsync(asFamiliar);
        Assert.Contains("arg:[--as-scout]", output, StringComparison.Ordinal);
        Assert.Contains("arg:[find the bug]", output, StringComparison.Ordinal);

        // By harness, in a subdirectory, with a prompt that a shell would have split and expanded: one argv element.
        const string prompt = "two words; $(not a shell) *";
        var byHarness = await LaunchFromFormAsync(page, ("familiar", ""), ("harness", "where"), ("projectRoot", web.Daemon.ProjectDir), ("cwd", "sub/dir"), ("title", "by harness"), ("prompt", prompt));
        record = await web.Daemon.WaitForStatusAsync(byHarness, s_timeout, "finished");
        Assert.Equal(JsonValueKind.Null, record.GetProperty("familiar").ValueKind);
        Assert.Equal("where", record.GetProperty("harness").GetString());
        Assert.Equal("by harness", record.GetProperty("title").GetString());
        Assert.Equal(prompt, record.GetProperty("prompt").GetString());
        var cwd = Path.Combine(web.Daemon.ProjectDir, "sub", "dir");
        Assert.Equal(cwd, record.GetProperty("cwd").GetString());
        output = await OutputAsync(byHarness);
        Assert.Contains("cwd:" + cwd, output, StringComparison.Ordinal);
        Assert.Contains($"arg:[{prompt}]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("--as-scout", output, StringComparison.Ordinal);

        // Its pane shows what it printed (the page's own view of the same run).
        await WaitForTextAsync(page, byHarness, $"arg:[{prompt}]");
    }

    [Fact]
    public async Task Web_open_hands_xdg_open_a_private_file_that_opens_a_working_cockpit()
    {
        // A stand-in xdg-open first on the CLI's PATH (the CLI runs it): it records its argv and every process's command line.
        using var record = new TempDir();
        web.Daemon.Harnesses.Write(
            "xdg-open",
            $"printf '%s\\n' \"$@\" > '{record.Combine("args.tmp")}'\n"
            + $"for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\" 2>/dev/null; echo; done > '{record.Combine("cmdlines")}'\n"
            + $"mv '{record.Combine("args.tmp")}' '{record.Combine("args")}'");
        var session = await web.LaunchAsync("opened");
        var token = (await File.ReadAllTextAsync(web.TokenFile)).Trim();

        var r = await web.Daemon.Cli.RunAsync("web", "--open");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(web.Url, r.Stdout.Trim());
        Assert.True(await Eventually.TrueAsync(() => File.Exists(record.Combine("args")), s_timeout, TimeSpan.FromMilliseconds(20)), "xdg-open was not run: " + r);

        // One argument, a file URI of a 0600 file in COVEN_HOME whose content forwards to the cockpit's URL.
        var args = (await File.ReadAllTextAsync(record.Combine("args"))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var uri = new Uri(Assert.Single(args));
        Assert.Equal("file", uri.Scheme);
        Assert.Equal(Path.Combine(web.Daemon.HomeDir, "web-open.html"), uri.LocalPath);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(uri.LocalPath));
        Assert.Contains($"http-equiv=\"refresh\" content=\"0;url={web.Url}\"", await File.ReadAllTextAsync(uri.LocalPath), StringComparison.Ordinal);

        // The token is on no command line: not xdg-open's, not any process's while it ran, not any process's now.
        var cmdlines = await File.ReadAllTextAsync(record.Combine("cmdlines"));
        Assert.Contains("xdg-open " + uri.AbsoluteUri, cmdlines, StringComparison.Ordinal);
        Assert.DoesNotContain(token, cmdlines, StringComparison.Ordinal);
        foreach (var proc in Directory.EnumerateDirectories("/proc").Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0])))
        {
            string line;
            try
            {
                line = await File.ReadAllTextAsync(Path.Combine(proc, "cmdline"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            Assert.False(line.Contains(token, StringComparison.Ordinal), $"the token is on the command line of {proc}: {line.Replace('\0', ' ')}");
        }

        // A browser without the cockpit's cookie opens the file and ends on a working page without the token.
        var browser = await web.BrowserAsync();
        await using var fresh = await browser.CreateBrowserContextAsync();
        await using var page = await fresh.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = 1600, Height = 1000 });
        Assert.Empty(await fresh.GetCookiesAsync());
        await GoToCockpitAsync(page, uri.AbsoluteUri);
        await WaitAsync(page, "(origin) => location.origin === origin && location.pathname === '/' && location.search === '' && window.cockpit !== undefined", web.Origin);
        await WaitAsync(page, "(id) => !!document.querySelector(`#sessions tr[data-id='${id}'] button.open`) && document.getElementById('conn').textContent === 'live'", session);
        await page.ClickAsync($"#sessions tr[data-id='{session}'] button.open");
        await WaitForTextAsync(page, session, "red ready");
        await KillAsync(session);
    }

    [Fact]
    public async Task The_list_follows_the_daemons_changes_without_polling()
    {
        await using var page = await OpenCockpitAsync(1600, 1000);
        await WaitAsync(page, "() => window.cockpit.changes.source.readyState === EventSource.OPEN");

        // Only the all-sessions stream can tell the page from here on: its fallback poll is stopped.
        await page.EvaluateExpressionAsync("window.cockpit.fallback.stop()");
        var before = await page.EvaluateExpressionAsync<JsonElement>("({ ...window.cockpit.listStats })");

        // A session launched by the CLI shows up live; typed into over the socket API it ends, and the row says finished.
        var id = await web.Daemon.RunDetachedAsync("echo", "from the cli", "--title", "cli-launched");
        const string status = "(id, status) => { const row = document.querySelector(`#sessions tr[data-id='${id}']`); return !!row && row.querySelector('td.status').textContent === status && row.textContent.includes('cli-launched'); }";
        await WaitAsync(page, status, id, "live");
        using (var input = await web.Api.PostAsJsonAsync($"api/v1/sessions/{id}/input", new { data = "exit 0\r" }))
        {
            Assert.Equal(HttpStatusCode.Accepted, input.StatusCode);
        }

        await WaitAsync(page, status, id, "finished");
        var after = await page.EvaluateExpressionAsync<JsonElement>("({ ...window.cockpit.listStats })");
        Assert.Equal(before.GetProperty("byPoll").GetInt32(), after.GetProperty("byPoll").GetInt32());
        Assert.True(after.GetProperty("events").GetInt32() > before.GetProperty("events").GetInt32(), $"no change event reached the page: {before} then {after}");
    }

    /// <summary>A new page of the shared browser on the cockpit (the token URL forwards to the page without it).</summary>
    private async Task<IPage> OpenCockpitAsync(int width, int height)
    {
        var browser = await web.BrowserAsync();
        var page = await browser.NewPageAsync();
        await page.SetViewportAsync(new ViewPortOptions { Width = width, Height = height });
        await GoToCockpitAsync(page, web.Url);
        await WaitAsync(page, "() => location.search === '' && window.cockpit !== undefined");
        return page;
    }

    /// <summary>Fills the launch form (each field cleared first: the project root is remembered) and submits it; the new pane's session id.</summary>
    private static async Task<string> LaunchFromFormAsync(IPage page, params (string Name, string Value)[] fields)
    {
        await page.EvaluateExpressionAsync("document.getElementById('launch-box').open = true");
        var before = await page.EvaluateExpressionAsync<int>("window.cockpit.panes.size");
        foreach (var (name, value) in fields)
        {
            var selector = $"#launch [name={name}]";
            switch (name)
            {
                case "familiar":
                    await page.SelectAsync(selector, value);
                    break;
                case "worktree":
                    await page.EvaluateFunctionAsync("(s, on) => { document.querySelector(s).checked = on; }", selector, value == "on");
                    break;
                default:
                    await page.EvaluateFunctionAsync("(s) => { document.querySelector(s).value = ''; }", selector);
                    await page.TypeAsync(selector, value);
                    break;
            }
        }

        await page.ClickAsync("#launch button");
        await WaitAsync(page, "(n) => window.cockpit.panes.size === n + 1", before);
        return await page.EvaluateExpressionAsync<string>("[...window.cockpit.panes.keys()].at(-1)");
    }

    private static Task WaitForTextAsync(IPage page, string id, string text) =>
        WaitAsync(page, "(id, text) => { const b = window.cockpit.panes.get(id)?.term.buffer.active; if (!b) return false; for (let i = 0; i < b.length; i++) if (b.getLine(i).translateToString(true).includes(text)) return true; return false; }", id, text);

    private async Task WaitForRecordAsync(string id, Func<JsonElement, bool> condition)
    {
        JsonElement last = default;
        var ok = await Eventually.TrueAsync(async () => condition(last = await web.Daemon.ShowAsync(id)), s_timeout, TimeSpan.FromMilliseconds(50));
        Assert.True(ok, $"the session's record never met the condition; last: {last}");
    }

    private async Task WaitForOutputAsync(string id, string text)
    {
        var ok = await Eventually.TrueAsync(async () => (await OutputAsync(id)).Contains(text, StringComparison.Ordinal), s_timeout, TimeSpan.FromMilliseconds(50));
        Assert.True(ok, $"the session never printed {text}; it printed:\n{await OutputAsync(id)}");
    }

    /// <summary>Everything the daemon recorded as the session's output, joined.</summary>
    private async Task<string> OutputAsync(string id)
    {
        using var doc = JsonDocument.Parse(await web.Api.GetStringAsync($"api/v1/sessions/{id}/events?kind=output&limit=1000"));
        return string.Concat(doc.RootElement.GetProperty("events").EnumerateArray()
            .Select(e => JsonDocument.Parse(e.GetProperty("payloadJson").GetString()!).RootElement)
            .Select(p => p.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.String ? data.GetString() : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(p.GetProperty("dataBase64").GetString()!))));
    }

    private async Task<int> EventCountAsync(string id)
    {
        using var doc = JsonDocument.Parse(await web.Api.GetStringAsync($"api/v1/sessions/{id}/events?limit=1000"));
        return doc.RootElement.GetProperty("events").GetArrayLength();
    }

    private async Task KillAsync(string id)
    {
        using var response = await web.Api.PostAsJsonAsync($"api/v1/sessions/{id}/kill", new { signal = "KILL" });
    }
}
