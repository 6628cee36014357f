using System.Text.Json;
using Coven.Cli.Api;
using Coven.Cli.Output;
using Coven.Cli.Sessions;

namespace Coven.Cli.Remote;

/// <summary>
/// <c>coven ls --all-hosts</c>: this machine's sessions and every context's, asked in parallel, each host bounded by
/// a timeout. A host that does not answer is listed as unreachable (with why) instead of failing the list.
/// </summary>
internal static class AllHosts
{
    internal sealed record HostListing(string Name, string Address, List<JsonElement> Records, CliException? Error);

    public static async Task<int> ListAsync(CliContext context, string query, int? max, IReadOnlyList<string> statuses, bool json, TimeSpan timeout, CancellationToken ct)
    {
        var file = HostContexts.Load(context.Paths.Home);
        var work = new List<Task<HostListing>> { ListLocalAsync(context, query, max, timeout, ct) };
        foreach (var c in file.Contexts)
        {
            work.Add(ListRemoteAsync(context, c, query, max, timeout, ct));
        }

        var listings = await Task.WhenAll(work);
        foreach (var l in listings)
        {
            if (statuses.Count > 0)
            {
                l.Records.RemoveAll(r => !statuses.Contains(SessionResolver.StatusOf(r)));
            }

            if (max is { } m && l.Records.Count > m)
            {
                l.Records.RemoveRange(m, l.Records.Count - m);
            }
        }

        if (json)
        {
            WriteJson(context, listings);
        }
        else
        {
            WriteTable(context, listings);
        }

        // Scripts can tell "some host is down" from "every host is down" (nothing to list at all).
        return listings.All(l => l.Error is not null) ? ExitCodes.DaemonUnreachable : ExitCodes.Ok;
    }

    private static async Task<HostListing> ListLocalAsync(CliContext context, string query, int? max, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            // This machine's daemon is started when needed, as for any command.
            using var local = new CliContext(context.Console, context.Paths, "local");
            var client = await local.ConnectAsync(ct);
            var records = await SessionResolver.ListRecordsAsync(client, query, max, ct).WaitAsync(timeout, ct);
            return new HostListing("local", context.Paths.Socket, records, null);
        }
        catch (CliException e)
        {
            return new HostListing("local", context.Paths.Socket, [], e);
        }
        catch (TimeoutException)
        {
            return new HostListing("local", context.Paths.Socket, [], Late(timeout));
        }
    }

    private static async Task<HostListing> ListRemoteAsync(CliContext context, HostContext host, string query, int? max, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            var target = host.ToTarget();
            if (target.SshConfig is null && context.Console.Env("COVEN_SSH_CONFIG") is { Length: > 0 } cfg)
            {
                target = target with { SshConfig = cfg };
            }

            using var transport = new SshTransport(target, context.Console.Env);
            var client = new CovenClient(transport, timeout);
            var records = await SessionResolver.ListRecordsAsync(client, query, max, ct).WaitAsync(timeout, ct);
            return new HostListing(host.Name, host.Host, records, null);
        }
        catch (CliException e)
        {
            return new HostListing(host.Name, host.Host, [], e);
        }
        catch (TimeoutException)
        {
            return new HostListing(host.Name, host.Host, [], Late(timeout));
        }
    }

    private static CliException Late(TimeSpan timeout) =>
        new("host_unreachable", $"no answer within {timeout.TotalSeconds:0.#} s", ExitCodes.DaemonUnreachable);

    private static void WriteJson(CliContext context, IReadOnlyList<HostListing> listings) =>
        JsonOutput.Write(context.Out, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("hosts");
            foreach (var l in listings)
            {
                w.WriteStartObject();
                w.WriteString("name", l.Name);
                w.WriteString("address", l.Address);
                w.WriteBoolean("reachable", l.Error is null);
                w.WriteNumber("sessions", l.Records.Count);
                if (l.Error is { } e)
                {
                    w.WriteStartObject("error");
                    w.WriteString("code", e.Code);
                    w.WriteString("message", e.Message);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("sessions");
            foreach (var l in listings)
            {
                foreach (var record in l.Records)
                {
                    // The daemon's record as it is, plus the host it came from (and the reference that reaches it).
                    w.WriteStartObject();
                    foreach (var p in record.EnumerateObject())
                    {
                        p.WriteTo(w);
                    }

                    w.WriteString("host", l.Name);
                    w.WriteEndObject();
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });

    private static void WriteTable(CliContext context, IReadOnlyList<HostListing> listings)
    {
        var now = DateTimeOffset.UtcNow;
        var table = new Table("HOST", "ID", "HARNESS", "STATUS", "TITLE", "AGE", "PROJECT");
        foreach (var l in listings)
        {
            if (l.Error is { } e)
            {
                table.Add((l.Name, string.Empty), ("-", string.Empty), ("-", string.Empty), ("unreachable", Ansi.Red), (TextWidth.Truncate($"{e.Message} ({e.Code})", 60), string.Empty), ("-", string.Empty), (l.Address, string.Empty));
                continue;
            }

            var sessions = l.Records.Select(SessionResolver.ToSession).ToList();
            var shortIds = SessionResolver.ShortIds([.. sessions.Select(s => s.Id)]);
            foreach (var s in sessions)
            {
                table.Add(
                    (l.Name, string.Empty),
                    (shortIds[s.Id], string.Empty),
                    (s.Harness, string.Empty),
                    (s.Status, Ansi.StatusStyle(s.Status)),
                    (TextWidth.Truncate(s.Title, 40), string.Empty),
                    (Format.Age(s.CreatedAt, now), string.Empty),
                    (l.Name == "local" ? Format.TildePath(s.ProjectRoot, context.UserHome) : s.ProjectRoot, string.Empty));
            }
        }

        table.Write(context.Out, context.Console.Color);
    }
}
