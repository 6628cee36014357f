using Coven.Cli.Api;
using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary><c>coven doctor</c>: harnesses, daemon health, COVEN_HOME and socket permissions, store integrity.</summary>
internal static class DoctorCommand
{
    private const UnixFileMode GroupOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static void Add(CliApp app)
    {
        var json = Common.JsonOption("Print the report as JSON");
        var command = new Command(
            "doctor",
            "Check the installation: harnesses, daemon, COVEN_HOME (0700), socket (0600), store integrity. Exit 1 when a check fails.\n\n"
            + "Examples:\n"
            + "  coven doctor\n"
            + "  coven doctor --json | jq '.checks[] | select(.status != \"ok\")'")
        {
            json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var checks = new List<Check>();
            var harnesses = new List<HarnessCheck>();

            string? healthBody = null;
            HealthResponse? health = null;
            string? storeRefused = null;
            CapabilitiesResponse? capabilities = null;
            try
            {
                var client = await context.ConnectAsync(ct);
                healthBody = await client.SendAsync(HttpVerb.Get, "api/v1/health", null, ct);
                var h = health = Api.CovenClient.Deserialize(healthBody, CovenJsonContext.Default.HealthResponse);
                checks.Add(new("daemon", h.Ok ? "ok" : "fail", $"running, pid {h.Daemon.Pid}, {h.CovenVersion} ({h.ApiVersion})"));
                checks.Add(VersionsCheck(h));
                if (RefusedLanesCheck(h) is { } refused)
                {
                    checks.Add(refused);
                }

                try
                {
                    capabilities = await client.GetAsync("api/v1/capabilities", CovenJsonContext.Default.CapabilitiesResponse, ct);
                }
                catch (CliException)
                {
                    // Reported per harness as "daemon view unknown".
                }

                checks.Add(await WorktreeCheckAsync(client, ct));
            }
            catch (CliException e)
            {
                checks.Add(new("daemon", "fail", $"{e.Message} ({e.Code})"));
                storeRefused = e.Code == "store_unusable" ? e.Message : null;
            }

            if (context.Remote is { } remote)
            {
                // The remote daemon's home and socket are that host's business; what this side can tell is the link.
                var remoteVersion = (context.Transport as Remote.SshTransport)?.RemoteHealth?.CovenVersion;
                checks.Add(new("host", remoteVersion is null ? "fail" : "ok", remoteVersion is null
                    ? $"{remote.Address}: not reached"
                    : $"{remote.Address} over ssh, remote coven {remoteVersion}, this coven {ProductVersion.Full}"));
            }
            else
            {
                checks.Add(HomeCheck(context.Paths.Home));
                checks.Add(SocketCheck(context.Paths.Socket));
            }

            checks.Add(storeRefused is null ? StoreCheck(healthBody) : new("store", "fail", storeRefused));
            checks.Add(DiskCheck(context.Paths.Home));
            await CheckHarnessesAsync(context, capabilities, checks, harnesses, ct);

            var failed = checks.Count(c => c.Status == "fail");
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, w =>
                {
                    w.WriteStartObject();
                    w.WriteBoolean("ok", failed == 0);
                    w.WriteNumber("problems", failed);
                    w.WriteStartArray("checks");
                    foreach (var c in checks)
                    {
                        w.WriteStartObject();
                        w.WriteString("check", c.Name);
                        w.WriteString("status", c.Status);
                        w.WriteString("detail", c.Detail);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    WriteVersions(w, health);
                    w.WriteStartArray("harnesses");
                    foreach (var h in harnesses)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", h.Id);
                        w.WriteString("status", h.Path is null ? "missing" : "ok");
                        w.WriteString("path", h.Path);
                        w.WriteString("version", h.Version);
                        w.WriteString("install", h.Install);
                        w.WriteString("daemonStatus", h.DaemonStatus);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                });
            }
            else
            {
                foreach (var c in checks)
                {
                    var (tag, style) = c.Status switch
                    {
                        "ok" => ("ok", Ansi.Green),
                        "warn" => ("warn", Ansi.Yellow),
                        "fail" => ("FAIL", Ansi.Red),
                        _ => ("??", Ansi.Dim),
                    };
                    // Padded before it is painted: escape sequences have no width.
                    context.Out.WriteLine($"{Common.Paint(context, style, $"[{tag}]")}{new string(' ', 7 - tag.Length - 2)}{c.Name,-16} {c.Detail}");
                }

                context.Out.WriteLine(failed == 0 ? "no problems found" : $"{failed} problem(s) found");
            }

            return failed == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        });
        app.Root.Add(command);
    }

    /// <summary>
    /// CLI, daemon and lane versions. Lanes outlive daemon upgrades (docs/daemon.md, "Upgrades"): a lane of an older
    /// version than the daemon is expected after an upgrade and keeps serving its session while it speaks the daemon's
    /// lane protocol and schema; it is noted, not failed. A lane the daemon refused is <see cref="RefusedLanesCheck"/>.
    /// </summary>
    private static Check VersionsCheck(HealthResponse h)
    {
        var lanes = h.Lanes ?? [];
        var laneText = lanes.Count == 0
            ? "no live lanes"
            : "lanes " + string.Join(", ", lanes.GroupBy(l => l.Version ?? "unknown", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"));
        var detail = $"coven {ProductVersion.Full}, covend {h.CovenVersion}, {laneText}";
        if (h.CovenVersion != ProductVersion.Number)
        {
            return new("versions", "warn", detail + ": 'coven daemon restart' runs the installed daemon (live sessions keep running)");
        }

        var others = lanes.Where(l => l.Status != "refused" && LaneAge(l.Version, h.CovenVersion) != "current").ToList();
        if (others.Count == 0)
        {
            return new("versions", "ok", detail);
        }

        var sessions = string.Join(", ", others.Take(3).Select(l => $"{l.SessionId} {l.Version ?? "unknown"}")) + (others.Count > 3 ? ", ..." : string.Empty);
        var kind = others.All(l => LaneAge(l.Version, h.CovenVersion) == "older") ? "an older" : "another";
        return new("versions", "ok", detail + $": {others.Count} session(s) run {kind} coven-lane than covend ({sessions}): not a problem, "
            + $"they speak covend's lane protocol{(others[0].Protocol is { } p ? $" {p}" : string.Empty)} and store schema and keep serving their sessions until they end");
    }

    /// <summary>Live lanes the daemon refused (another lane protocol or schema): still running, but nothing can drive them.</summary>
    private static Check? RefusedLanesCheck(HealthResponse h)
    {
        var refused = (h.Lanes ?? []).Where(l => l.Status == "refused").ToList();
        return refused.Count == 0
            ? null
            : new("lanes", "fail", $"covend {h.CovenVersion} refused {refused.Count} live lane(s) as incompatible; they keep running but cannot be driven: "
                + string.Join("; ", refused.Take(3).Select(l => $"{l.SessionId}: {l.Reason}")) + (refused.Count > 3 ? "; ..." : string.Empty)
                + ". Install the coven version that started them and run 'coven daemon restart', or let them end");
    }

    /// <summary>A lane's version against the daemon's: <c>current</c>, <c>older</c>, <c>newer</c> or <c>unknown</c>.</summary>
    private static string LaneAge(string? lane, string daemon) =>
        lane == daemon ? "current"
        : !Version.TryParse(lane, out var l) || !Version.TryParse(daemon, out var d) ? "unknown"
        : l < d ? "older" : "newer";

    /// <summary><c>versions</c> of <c>--json</c>: this coven, the daemon and every live lane (null without a daemon).</summary>
    private static void WriteVersions(Utf8JsonWriter w, HealthResponse? h)
    {
        w.WriteStartObject("versions");
        w.WriteString("cli", ProductVersion.Number);
        w.WriteString("cliBuild", ProductVersion.Full);
        w.WriteString("daemon", h?.CovenVersion);
        w.WriteStartArray("lanes");
        foreach (var l in h?.Lanes ?? [])
        {
            w.WriteStartObject();
            w.WriteString("sessionId", l.SessionId);
            if (l.Pid is { } pid)
            {
                w.WriteNumber("pid", pid);
            }
            else
            {
                w.WriteNull("pid");
            }

            w.WriteString("version", l.Version);
            if (l.Protocol is { } protocol)
            {
                w.WriteNumber("protocol", protocol);
            }
            else
            {
                w.WriteNull("protocol");
            }

            w.WriteString("status", l.Status == "refused" ? "refused" : LaneAge(l.Version, h!.CovenVersion));
            w.WriteString("reason", l.Reason);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// Environment drift: the daemon resolves harnesses on the PATH it was started with, which may not be this
    /// shell's. A harness that resolves to another file there runs another program than the one checked here.
    /// </summary>
    private static Check? DriftCheck(string id, string cliPath, CapabilitiesResponse? capabilities)
    {
        var entry = capabilities?.Capabilities.FirstOrDefault(c => c.Id == "harness." + id);
        if (entry is null || (entry.Executable is null && entry.Status == "available"))
        {
            return null; // an older daemon that does not say which file it runs
        }

        if (entry.Executable is null)
        {
            return new("drift " + id, "warn", $"coven finds {cliPath}, covend's PATH has no '{id}': 'coven daemon restart' from this shell gives the daemon this PATH");
        }

        return entry.Executable == cliPath
            ? null
            : new("drift " + id, "warn", $"coven finds {cliPath}, covend runs {entry.Executable} (another PATH): 'coven daemon restart' from this shell gives the daemon this PATH");
    }

    /// <summary>Orphaned worktrees: rows whose session is gone, and directories under COVEN_HOME/worktrees no row names.</summary>
    private static async Task<Check> WorktreeCheckAsync(CovenClient client, CancellationToken ct)
    {
        WorktreeListResponse list;
        try
        {
            list = await client.GetAsync("api/v1/worktrees", CovenJsonContext.Default.WorktreeListResponse, ct);
        }
        catch (CliException e)
        {
            return new("worktrees", "unknown", e.Message);
        }

        var orphans = list.Worktrees.Where(w => w.Status == "gone").Select(w => w.Worktree.Path).Concat(list.Unrecorded ?? []).ToList();
        return orphans.Count == 0
            ? new("worktrees", "ok", $"{list.Worktrees.Count} session worktree(s), none orphaned")
            : new("worktrees", "warn", $"{orphans.Count} orphaned (session gone): {string.Join(", ", orphans.Take(3))}{(orphans.Count > 3 ? ", ..." : string.Empty)}; 'coven worktrees prune' removes them");
    }

    /// <summary>The store's size (coven.db with its WAL) and the free space where COVEN_HOME lives (warn under 1 GB or 5 %).</summary>
    private static Check DiskCheck(string home)
    {
        try
        {
            long size = 0;
            foreach (var name in new[] { "coven.db", "coven.db-wal", "coven.db-shm" })
            {
                var file = new FileInfo(Path.Combine(home, name));
                size += file.Exists ? file.Length : 0;
            }

            var drive = new DriveInfo(home);
            var free = drive.AvailableFreeSpace;
            var low = free < 1L << 30 || free < drive.TotalSize / 20;
            return new("disk", low ? "warn" : "ok", $"store {Bytes(size)}, {Bytes(free)} free of {Bytes(drive.TotalSize)} on {drive.RootDirectory.FullName}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return new("disk", "unknown", e.Message);
        }
    }

    private static string Bytes(long n) =>
        n >= 1L << 30 ? $"{n / (double)(1L << 30):0.0} GB" : n >= 1L << 20 ? $"{n / (double)(1L << 20):0.0} MB" : $"{n / 1024.0:0} KB";

    private static Check HomeCheck(string home)
    {
        if (!Directory.Exists(home))
        {
            return new("home", "fail", $"{home} does not exist");
        }

        var mode = File.GetUnixFileMode(home);
        return (mode & GroupOther) == 0
            ? new("home", "ok", $"{home} (mode {Octal(mode)})")
            : new("home", "fail", $"{home} has mode {Octal(mode)}, expected 0700 (chmod 700 {home})");
    }

    private static Check SocketCheck(string socket)
    {
        if (!File.Exists(socket) && !Directory.Exists(socket))
        {
            var info = new FileInfo(socket);
            if (!info.Exists && info.LinkTarget is null && !Path.Exists(socket))
            {
                return new("socket", "fail", $"{socket} does not exist");
            }
        }

        var mode = File.GetUnixFileMode(socket);
        return (mode & GroupOther) == 0
            ? new("socket", "ok", $"{socket} (mode {Octal(mode)})")
            : new("socket", "fail", $"{socket} has mode {Octal(mode)}, expected 0600");
    }

    /// <summary>The API has no integrity endpoint; a daemon that reports <c>store</c> in its health answer is honoured.</summary>
    private static Check StoreCheck(string? healthBody)
    {
        if (healthBody is null)
        {
            return new("store", "unknown", "unknown (daemon not reachable)");
        }

        try
        {
            using var doc = JsonDocument.Parse(healthBody);
            if (doc.RootElement.TryGetProperty("store", out var store) && store.ValueKind == JsonValueKind.Object)
            {
                var integrity = store.TryGetProperty("integrity", out var i) ? i.ToString() : null;
                var ok = store.TryGetProperty("ok", out var o) && o.ValueKind == JsonValueKind.True;
                if (integrity == "ok" || (integrity is null && ok))
                {
                    var state = store.TryGetProperty("state", out var st) && st.ValueKind == JsonValueKind.String ? st.GetString() : "ok";
                    if (state is "busy" or "full")
                    {
                        var last = store.TryGetProperty("lastError", out var le) && le.ValueKind == JsonValueKind.String ? ": " + le.GetString() : string.Empty;
                        return new("store", "fail", $"integrity ok, but {(state == "busy" ? "the store is busy (locked by another writer)" : "store full (no disk space; live sessions wait to record output)")}{last}");
                    }

                    return new("store", "ok", "integrity ok" + (store.TryGetProperty("schemaVersion", out var v) ? $", schema v{v}" : string.Empty));
                }

                if (integrity is not null || store.TryGetProperty("ok", out _))
                {
                    return new("store", "fail", "integrity: " + (integrity ?? "not ok"));
                }
            }
        }
        catch (JsonException)
        {
        }

        return new("store", "unknown", "unknown (the daemon reports no store integrity)");
    }

    private static async Task CheckHarnessesAsync(CliContext context, CapabilitiesResponse? capabilities, List<Check> checks, List<HarnessCheck> harnesses, CancellationToken ct)
    {
        if (context.Remote is not null)
        {
            // The harnesses that matter are the remote host's: its daemon's view is all this side can check.
            foreach (var c in capabilities?.Capabilities.Where(c => c.Id.StartsWith("harness.", StringComparison.Ordinal)) ?? [])
            {
                var id = c.Id["harness.".Length..];
                harnesses.Add(new(id, null, null, null, c.Status));
                checks.Add(new("harness " + id, c.Status == "available" ? "ok" : "warn", $"on {context.HostName}: {c.Status}"));
            }

            return;
        }

        HarnessRegistry registry;
        try
        {
            registry = HarnessRegistry.Load(context.Paths.HarnessConfig);
        }
        catch (HarnessConfigException e)
        {
            checks.Add(new("harnesses.json", "fail", e.Message));
            registry = new HarnessRegistry([]);
        }

        foreach (var h in registry.All.OrderBy(h => h.BuiltIn ? 0 : 1).ThenBy(h => h.Id, StringComparer.Ordinal))
        {
            var lookup = registry.Find(h.Id, context.Console.Env("PATH"));
            var daemonStatus = capabilities?.Capabilities.FirstOrDefault(c => c.Id == "harness." + h.Id)?.Status;
            if (lookup.ExecutablePath is { } path)
            {
                var version = await VersionAsync(path, ct);
                harnesses.Add(new(h.Id, path, version, h.InstallHint, daemonStatus));
                var daemonNote = daemonStatus is null or "available" ? string.Empty : $"; the daemon says {daemonStatus}";
                checks.Add(new("harness " + h.Id, daemonStatus is null or "available" ? "ok" : "warn", $"{path} ({version ?? "no --version output"}){daemonNote}"));
                if (DriftCheck(h.Id, path, capabilities) is { } drift)
                {
                    checks.Add(drift);
                }
            }
            else
            {
                harnesses.Add(new(h.Id, null, null, h.InstallHint, daemonStatus));
                checks.Add(new("harness " + h.Id, "warn", h.InstallHint is null ? lookup.Message ?? "not found" : $"not installed: {h.InstallHint}"));
            }
        }
    }

    /// <summary>First line of <c>exe --version</c>, waiting at most 3 s.</summary>
    private static async Task<string?> VersionAsync(string path, CancellationToken ct)
    {
        try
        {
            var psi = new ProcessStartInfo(path, "--version")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            using var p = Process.Start(psi);
            if (p is null)
            {
                return null;
            }

            p.StandardInput.Close();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            var read = p.StandardOutput.ReadToEndAsync(timeout.Token);
            try
            {
                await p.WaitForExitAsync(timeout.Token);
                var text = await read;
                return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                p.Kill(entireProcessTree: true);
                return "--version timed out";
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return "cannot run: " + e.Message;
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1ff, 8);

    private sealed record Check(string Name, string Status, string Detail);

    private sealed record HarnessCheck(string Id, string? Path, string? Version, string? Install, string? DaemonStatus);
}
