using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Coven.Cli.Api;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary><c>coven prune</c> and <c>coven vacuum</c>: store retention (docs/retention.md).</summary>
internal static class StoreCommands
{
    public static void Add(CliApp app)
    {
        app.Root.Add(Prune(app));
        app.Root.Add(Vacuum(app));
    }

    private static Command Prune(CliApp app)
    {
        var yes = new Option<bool>("--yes") { Description = "Delete the output (without it: a dry run that only shows what would go)" };
        var json = Common.JsonOption("Print the PruneResponse");
        var command = new Command(
            "prune",
            "Apply the retention bounds of COVEN_HOME/retention.json: per-session output cap (a session keeps its\n"
            + "newest output), age, store size and free-disk floor (output of ended sessions, oldest first). Every\n"
            + "pruned range is replaced by a 'truncated' event that logs and screen replays show. Dry run by default.\n\n"
            + "Examples:\n"
            + "  coven prune\n"
            + "  coven prune --yes && coven vacuum")
        {
            yes, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var request = new PruneRequest { DryRun = !parse.GetValue(yes) };
            var body = await client.SendAsync(HttpVerb.Post, "api/v1/store/prune", JsonSerializer.Serialize(request, CovenJsonContext.Default.PruneRequest), ct);
            var result = CovenClient.Deserialize(body, CovenJsonContext.Default.PruneResponse);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, result, CovenJsonContext.Default.PruneResponse);
                return ExitCodes.Ok;
            }

            var o = context.Out;
            foreach (var r in result.Ranges)
            {
                o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.SessionId}  seq {r.FromSeq}..{r.ToSeq}  {r.Events} events  {Bytes(r.Bytes)}  {r.Reason}"));
            }

            var verb = result.DryRun ? "would prune" : "pruned";
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{verb} {result.Ranges.Count} ranges, {result.Events} output events, {Bytes(result.Bytes)}; store {Bytes(result.StoreUsedBytes)} used of {Bytes(result.StoreFileBytes)}{(result.FreeDiskBytes is { } free ? $", {Bytes(free)} free on disk" : string.Empty)}"));
            if (result.DryRun && result.Ranges.Count > 0)
            {
                o.WriteLine("(dry run: run 'coven prune --yes' to delete, then 'coven vacuum' to give the space back)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Vacuum(CliApp app)
    {
        var json = Common.JsonOption("Print the VacuumResponse");
        var command = new Command(
            "vacuum",
            "Rewrite the store so the space of pruned output goes back to the file system (SQLite VACUUM). Lanes\n"
            + "wait while it runs.\n\n"
            + "Examples:\n"
            + "  coven vacuum")
        {
            json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var body = await client.SendAsync(HttpVerb.Post, "api/v1/store/vacuum", null, ct);
            var result = CovenClient.Deserialize(body, CovenJsonContext.Default.VacuumResponse);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Out, result, CovenJsonContext.Default.VacuumResponse);
            }
            else
            {
                context.Out.WriteLine($"store {Bytes(result.BeforeBytes)} -> {Bytes(result.AfterBytes)}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Bytes(long n) => n switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{n / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{n / 1024.0:0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{n} B"),
    };
}
