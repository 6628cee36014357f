using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Coven.Cli.Api;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Commands;

/// <summary><c>coven diff</c>, <c>coven merge</c>, <c>coven worktrees [prune]</c>: sessions run with <c>--worktree</c>.</summary>
internal static class WorktreeCommands
{
    public static void Add(CliApp app)
    {
        AddDiff(app);
        AddMerge(app);
        AddList(app);
    }

    private static void AddDiff(CliApp app)
    {
        var session = Common.SessionArgument();
        var stat = new Option<bool>("--stat") { Description = "Only the diffstat" };
        var json = Common.JsonOption("Print {sessionId, worktree, stat, files, patch}");
        var command = new Command(
            "diff",
            "What a worktree session changed against its base commit: committed and uncommitted, new files included.\n\n"
            + "Examples:\n"
            + "  coven diff 0193a5f0\n"
            + "  coven diff 0193a5f0 --stat")
        {
            session, stat, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            var statOnly = parse.GetValue(stat);
            var raw = await client.SendAsync(HttpVerb.Get, Common.SessionPath(s, "diff") + (statOnly ? "?stat=true" : string.Empty), null, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteRaw(context.Out, raw);
                return ExitCodes.Ok;
            }

            var diff = CovenClient.Deserialize(raw, CovenJsonContext.Default.WorktreeDiffResponse);
            context.Out.Write(statOnly ? diff.Stat : diff.Patch);
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    private static void AddMerge(CliApp app)
    {
        var session = Common.SessionArgument();
        var squash = new Option<bool>("--squash") { Description = "One squashed commit instead of a merge commit" };
        var json = Common.JsonOption("Print {sessionId, branch, into, commit, squash, committedPending, files}");
        var command = new Command(
            "merge",
            "Merge a worktree session's branch into the branch your main work tree is on. The session's uncommitted\n"
            + "changes are committed on its branch first. Refuses, leaving your tree as it was, on conflicts (listed)\n"
            + "and when your tree has uncommitted changes in paths the session changed.\n\n"
            + "Examples:\n"
            + "  coven merge 0193a5f0\n"
            + "  coven merge 0193a5f0 --squash")
        {
            session, squash, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            var body = JsonSerializer.Serialize(new MergeRequest { Squash = parse.GetValue(squash) ? true : null }, CovenJsonContext.Default.MergeRequest);
            var raw = await client.SendAsync(HttpVerb.Post, Common.SessionPath(s, "merge"), body, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteRaw(context.Out, raw);
                return ExitCodes.Ok;
            }

            var merged = CovenClient.Deserialize(raw, CovenJsonContext.Default.MergeResponse);
            context.Out.WriteLine($"merged {merged.Branch} into {merged.Into}{(merged.Squash ? " (squashed)" : string.Empty)}: {merged.Commit[..Math.Min(12, merged.Commit.Length)]}, {merged.Files.Count} file(s)");
            return ExitCodes.Ok;
        });
        app.Root.Add(command);
    }

    private static void AddList(CliApp app)
    {
        var json = Common.JsonOption("Print {worktrees: [...]}");
        var command = new Command(
            "worktrees",
            "List session worktrees: session, status (gone = the session no longer exists), branch, ahead/behind your\n"
            + "current branch, dirty.\n\n"
            + "Examples:\n"
            + "  coven worktrees\n"
            + "  coven worktrees prune --older-than 7d")
        {
            json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var raw = await client.SendAsync(HttpVerb.Get, "api/v1/worktrees", null, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteRaw(context.Out, raw);
                return ExitCodes.Ok;
            }

            var list = CovenClient.Deserialize(raw, CovenJsonContext.Default.WorktreeListResponse);
            context.Out.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-10} {1,-9} {2,-16} {3,5} {4,6} {5,-5} {6}", "SESSION", "STATUS", "BRANCH", "AHEAD", "BEHIND", "DIRTY", "PATH"));
            foreach (var e in list.Worktrees)
            {
                context.Out.WriteLine(string.Format(
                    CultureInfo.InvariantCulture,
                    "{0,-10} {1,-9} {2,-16} {3,5} {4,6} {5,-5} {6}",
                    e.SessionId[..8],
                    e.Status,
                    e.Worktree.Branch,
                    e.Ahead?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    e.Behind?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    e.Dirty switch { true => "yes", false => "no", null => "-" },
                    e.Exists ? e.Worktree.Path : e.Worktree.Path + " (missing)"));
            }

            foreach (var path in list.Unrecorded ?? [])
            {
                context.Out.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-10} {1,-9} {2,-16} {3,5} {4,6} {5,-5} {6}", "-", "unrecorded", "-", "-", "-", "-", path));
            }

            return ExitCodes.Ok;
        });
        command.Add(PruneCommand(app));
        app.Root.Add(command);
    }

    private static Command PruneCommand(CliApp app)
    {
        var olderThan = new Option<string?>("--older-than") { Description = "Also prune worktrees of sessions ended longer ago than this (e.g. 7d)", HelpName = "duration" };
        var force = new Option<bool>("--force") { Description = "Also remove dirty worktrees and delete unmerged branches" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only print what would be removed" };
        var json = Common.JsonOption("Print {removed, removedPaths, branchesDeleted, kept, dryRun}");
        var command = new Command(
            "prune",
            "Remove orphaned worktrees (the session is gone, or no session names the directory under COVEN_HOME/worktrees;\n"
            + "'coven doctor' lists them) and, with --older-than, those of long-ended sessions. Dirty worktrees and\n"
            + "unmerged branches are kept unless --force (a removed worktree's unmerged branch stays).\n\n"
            + "Examples:\n"
            + "  coven worktrees prune --dry-run\n"
            + "  coven worktrees prune --older-than 7d")
        {
            olderThan, force, dryRun, json,
        };
        app.Bind(command, async (context, parse, ct) =>
        {
            var client = await context.ConnectAsync(ct);
            var request = new WorktreePruneRequest { OlderThan = parse.GetValue(olderThan), Force = parse.GetValue(force) ? true : null, DryRun = parse.GetValue(dryRun) ? true : null };
            var raw = await client.SendAsync(HttpVerb.Post, "api/v1/worktrees/prune", JsonSerializer.Serialize(request, CovenJsonContext.Default.WorktreePruneRequest), ct);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteRaw(context.Out, raw);
                return ExitCodes.Ok;
            }

            var result = CovenClient.Deserialize(raw, CovenJsonContext.Default.WorktreePruneResponse);
            foreach (var path in result.RemovedPaths)
            {
                context.Out.WriteLine((result.DryRun ? "would remove " : "removed ") + path);
            }

            context.Out.WriteLine(result.DryRun
                ? $"would remove {result.RemovedPaths.Count} worktree(s), delete {result.BranchesDeleted.Count} branch(es)"
                : $"removed {result.RemovedPaths.Count} worktree(s), deleted {result.BranchesDeleted.Count} branch(es)");
            foreach (var kept in result.Kept)
            {
                context.Out.WriteLine("kept " + kept);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
