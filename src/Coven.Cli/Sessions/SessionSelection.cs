using System.CommandLine;
using Coven.Cli.Api;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Sessions;

/// <summary>
/// The sessions a command acts on (<c>kill</c>, <c>archive</c>, <c>summon</c>, <c>sacrifice</c>): one or more
/// references, or a filter (<c>--status</c>, <c>--project</c>, <c>--all</c>), never both and never nothing. A set
/// chosen by a filter is confirmed for destructive commands: asked y/N on a terminal, refused without
/// <c>--yes</c> when stdin is not one.
/// </summary>
internal sealed class SessionSelection
{
    private static readonly string[] s_statuses = ["pending", "live", "finished", "failed", "orphaned", "archived"];

    private readonly string _verb;
    private readonly string[] _defaultStatuses;

    /// <param name="verb">The command (for messages).</param>
    /// <param name="defaultStatuses">What <c>--all</c> (or <c>--project</c> alone) selects.</param>
    public SessionSelection(string verb, params string[] defaultStatuses)
    {
        _verb = verb;
        _defaultStatuses = defaultStatuses;
        Ids = new Argument<string[]>("session")
        {
            Description = "Session ids, short ids (as coven ls shows them), unique prefixes or exact titles",
            HelpName = "id",
            Arity = ArgumentArity.ZeroOrMore,
        };
        Status = new Option<string?>("--status") { Description = $"Every session with one of these statuses (comma list; default with --all/--project: {string.Join(",", defaultStatuses)})", HelpName = "list" };
        Project = new Option<string?>("--project") { Description = "Only sessions of this project root", HelpName = "dir" };
        All = new Option<bool>("--all") { Description = $"Every session it applies to ({string.Join(", ", defaultStatuses)})" };
        Yes = new Option<bool>("--yes", "-y") { Description = "Do not ask for confirmation (required for a set when stdin is not a terminal)" };
        Status.Validators.Add(r =>
        {
            foreach (var s in Split(r.GetValueOrDefault<string?>()))
            {
                if (!s_statuses.Contains(s))
                {
                    r.AddError($"unknown status '{s}' (expected one of: {string.Join(", ", s_statuses)})");
                }
            }
        });
    }

    public Argument<string[]> Ids { get; }
    public Option<string?> Status { get; }
    public Option<string?> Project { get; }
    public Option<bool> All { get; }
    public Option<bool> Yes { get; }

    public void AddTo(Command command)
    {
        command.Add(Ids);
        command.Add(Status);
        command.Add(Project);
        command.Add(All);
        command.Add(Yes);
    }

    /// <summary>The selected sessions (resolved before anything is done to any of them) and whether a filter chose them.</summary>
    public async Task<(CovenClient Client, List<SessionDto> Sessions, bool Filtered)> SelectAsync(CliContext context, ParseResult parse, CancellationToken ct)
    {
        var ids = parse.GetValue(Ids) ?? [];
        var statuses = Split(parse.GetValue(Status));
        var project = parse.GetValue(Project);
        var filtered = statuses.Count > 0 || project is { Length: > 0 } || parse.GetValue(All);
        if (ids.Length > 0 && filtered)
        {
            throw CliException.Usage("give session ids or a filter (--status, --project, --all), not both");
        }

        if (ids.Length == 0 && !filtered)
        {
            throw CliException.Usage($"name the sessions to {_verb} (ids or short ids), or select them with --status, --project or --all");
        }

        var client = await context.ConnectAsync(ct);
        if (!filtered)
        {
            var chosen = new List<SessionDto>();
            foreach (var reference in ids)
            {
                var s = await SessionResolver.ResolveAsync(client, reference, ct);
                if (chosen.All(c => c.Id != s.Id))
                {
                    chosen.Add(s);
                }
            }

            return (client, chosen, false);
        }

        var wanted = statuses.Count > 0 ? statuses : [.. _defaultStatuses];
        var query = new List<string>();
        if (wanted.Contains("archived"))
        {
            query.Add("includeArchived=true");
        }

        query.Add("status=" + string.Join(',', wanted));
        if (project is { Length: > 0 })
        {
            var full = Path.GetFullPath(project);
            query.Add("projectRoot=" + Uri.EscapeDataString(PathPolicy.TryCanonicalize(full, out var canonical) ? canonical : full));
        }

        var records = await SessionResolver.ListRecordsAsync(client, string.Join('&', query), null, ct);
        var sessions = records.Where(r => wanted.Contains(SessionResolver.StatusOf(r))).Select(SessionResolver.ToSession).ToList();
        return (client, sessions, true);
    }

    /// <summary>
    /// For a destructive command on a set chosen by a filter (or always): lists the
    /// sessions and asks y/N on a terminal; refuses without --yes when stdin is not a terminal. False: declined.
    /// </summary>
    public bool Confirm(CliContext context, ParseResult parse, IReadOnlyList<SessionDto> sessions, string consequence)
    {
        if (parse.GetValue(Yes) || sessions.Count == 0)
        {
            return true;
        }

        var what = sessions.Count == 1 ? $"session {sessions[0].Id}" : $"{sessions.Count} sessions";
        if (!context.Console.InIsTerminal)
        {
            throw new CliException("confirmation_required", $"refusing to {_verb} {what} without --yes (stdin is not a terminal)", ExitCodes.Usage);
        }

        foreach (var s in sessions.Take(20))
        {
            context.Error.WriteLine($"  {s.Id}  {s.Harness}  {s.Status}  {TextWidth.Truncate(s.Title, 40)}");
        }

        if (sessions.Count > 20)
        {
            context.Error.WriteLine($"  ... and {sessions.Count - 20} more");
        }

        context.Error.Write($"{char.ToUpperInvariant(_verb[0])}{_verb[1..]} {what}? {consequence} [y/N] ");
        var answer = Commands.Common.ReadLine()?.Trim().ToLowerInvariant();
        if (answer is "y" or "yes")
        {
            return true;
        }

        context.Error.WriteLine($"nothing done ({_verb} declined)");
        return false;
    }

    /// <summary>Runs <paramref name="act"/> on each session; every failure is reported, the first one's exit code returned.</summary>
    public static async Task<int> ForEachAsync(CliApp app, IReadOnlyList<SessionDto> sessions, Func<SessionDto, Task> act)
    {
        var exit = ExitCodes.Ok;
        foreach (var s in sessions)
        {
            try
            {
                await act(s);
            }
            catch (CliException e) when (sessions.Count > 1 && e.ExitCode != ExitCodes.DaemonUnreachable)
            {
                app.ReportError(new CliException(e.Code, $"{s.Id}: {e.Message}", e.ExitCode));
                exit = exit == ExitCodes.Ok ? e.ExitCode : exit;
            }
        }

        return exit;
    }

    private static List<string> Split(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant())];
}
