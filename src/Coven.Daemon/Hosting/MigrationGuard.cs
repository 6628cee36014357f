using System.Text.Json;
using Coven.Core;
using Coven.Daemon.Lanes;
using Coven.Store;

namespace Coven.Daemon.Hosting;

/// <summary>
/// Lanes write SQLite directly and outlive daemon upgrades: before migrating, covend asks every lane that may still
/// run which schemas it can write (<c>hello</c>'s <c>schemaMax</c>) and does not migrate past it (issue 12 item 12).
/// </summary>
internal static class MigrationGuard
{
    /// <summary>Null when migrating is safe; otherwise the one-line reason covend exits with.</summary>
    public static async Task<string?> CheckAsync(CovenStore store, DaemonOptions options)
    {
        var current = store.SchemaVersion();
        var target = CovenStore.LatestSchemaVersion;
        var needed = CovenStore.LaneSchemaNeeded;
        if (current == 0 || current >= target)
        {
            return null; // a new store, or nothing to migrate
        }

        var blocking = new List<string>();
        foreach (var (session, lane) in store.Sessions.LanesThatMayRun())
        {
            if (!lane.IsAlive())
            {
                continue;
            }

            var schemaMax = await AskSchemaMaxAsync(options, session);

            // A lane that does not say (older than the schema contract) can write only the schema it started on.
            // Steps after `needed` add only daemon-owned tables, which such a lane never touches.
            if ((schemaMax ?? current) < needed)
            {
                blocking.Add($"{session} (lane pid {lane.Pid}, writes up to v{schemaMax ?? current})");
            }
        }

        return blocking.Count == 0
            ? null
            : $"covend: the store is at schema v{current} and this covend needs v{target}, but {blocking.Count} running lane(s) cannot write v{target}: "
              + string.Join(", ", blocking) + "; the store was not migrated. Let those sessions end (or stop their lanes) and start covend again";
    }

    private static async Task<int?> AskSchemaMaxAsync(DaemonOptions options, SessionId session)
    {
        await using var client = await LaneClient.ConnectAsync(options.Paths.LaneSocket(session), options.LaneConnectTimeout, CancellationToken.None);
        if (client is null)
        {
            return null;
        }

        var hello = await client.RequestAsync("hello", w => w.WriteString("sessionId", session.Value), options.LaneConnectTimeout, CancellationToken.None);
        return hello.Ok && hello.Body.TryGetProperty("schemaMax", out var max) && max.ValueKind == JsonValueKind.Number && max.TryGetInt32(out var v) ? v : null;
    }
}
