using System.Globalization;
using System.Text.RegularExpressions;
using Coven.Core;
using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Finds the conversation a running harness holds when Coven cannot assign its id at launch (Codex picks its own
/// thread id). Codex keeps its rollout file (<c>$CODEX_HOME/sessions/YYYY/MM/DD/rollout-&lt;time&gt;-&lt;thread id&gt;.jsonl</c>)
/// open for as long as the conversation is active, so the id is read from the open files of the session's own
/// processes: no guessing by folder or time, so two sessions in one repository never mix up, whatever CODEX_HOME the
/// harness uses. Codex creates the file with the first turn; the tracker looks every half second while such a
/// session is live (a few /proc reads per session) and records changes (a <c>/new</c> inside Codex starts another);
/// with none live it sleeps until a session changes.
/// </summary>
internal sealed partial class ConversationTracker(CovenStore store, SessionSignals signals, TimeProvider time, ILogger<ConversationTracker> logger) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(500);

    /// <summary>With no such session live, a look this often even without a pulse.</summary>
    private static readonly TimeSpan s_idleFallback = TimeSpan.FromSeconds(30);
    private static readonly SessionStatus[] s_live = [SessionStatus.Live];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var discovering = HarnessRegistry.BuiltIns.Where(h => h.ConversationDiscovery == ConversationDiscovery.CodexRollout).Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        using var follow = signals.FollowAny();
        var watching = false;
        try
        {
            while (true)
            {
                // Every half second while such a session is live; otherwise only after a session changed (a launch pulses).
                await follow.NextAsync(s_interval, watching ? TimeSpan.Zero : s_idleFallback, time, stoppingToken);
                watching = false;
                foreach (var id in discovering)
                {
                    watching |= Scan(id);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Records the conversations of the live sessions of <paramref name="harness"/>; false when it has none.</summary>
    private bool Scan(string harness)
    {
        try
        {
            var live = store.Sessions.List(new SessionQuery { Statuses = s_live, Harness = harness, Limit = 1000 }).Sessions;
            foreach (var session in live)
            {
                if (session.HarnessProcess is not { } process || FindCodexConversation(process.Pid) is not { } conversation)
                {
                    continue;
                }

                // The harness pid is checked against its recorded start time so a reused pid is never read.
                if (ProcStat.TryRead(process.Pid, out var stat) && stat.StartTime == process.StartTime
                    && store.Sessions.RecordConversationId(session.Id, conversation))
                {
                    LogFound(session.Id, conversation);
                    signals.Pulse(session.Id);
                }
            }

            return live.Count > 0;
        }
        catch (StoreException e)
        {
            LogScanFailed(e.Message);

            // Not known to have none: keep looking every half second rather than sleep on a store that failed once.
            return true;
        }
    }

    /// <summary>The thread id of the Codex rollout file held open by <paramref name="harnessPid"/> or a descendant, or null.</summary>
    public static string? FindCodexConversation(int harnessPid)
    {
        string? found = null;
        var pending = new Stack<int>([harnessPid]);
        var seen = new HashSet<int>();
        while (pending.Count > 0 && seen.Count < 256)
        {
            var pid = pending.Pop();
            if (!seen.Add(pid))
            {
                continue;
            }

            var dir = "/proc/" + pid.ToString(CultureInfo.InvariantCulture);
            found = OpenRollout(dir) ?? found;
            foreach (var child in Children(dir))
            {
                pending.Push(child);
            }
        }

        return found;
    }

    private static string? OpenRollout(string procDir)
    {
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries(procDir + "/fd"))
            {
                if (new FileInfo(fd).LinkTarget is { } target && RolloutPattern().Match(target) is { Success: true } m)
                {
                    return m.Groups[1].Value;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone, or not ours.
        }

        return null;
    }

    private static List<int> Children(string procDir)
    {
        var children = new List<int>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories(procDir + "/task"))
            {
                foreach (var word in File.ReadAllText(task + "/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (int.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var child))
                    {
                        children.Add(child);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone, or not ours.
        }

        return children;
    }

    [GeneratedRegex(@"/sessions/\d{4}/\d{2}/\d{2}/rollout-[^/]*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$")]
    private static partial Regex RolloutPattern();

    [LoggerMessage(EventId = Logging.EventIds.ConversationFound, Level = LogLevel.Information, Message = "session {SessionId} holds harness conversation {Conversation}")]
    private partial void LogFound(SessionId sessionId, string conversation);

    [LoggerMessage(EventId = Logging.EventIds.ConversationScanFailed, Level = LogLevel.Warning, Message = "conversation scan failed: {Reason}")]
    private partial void LogScanFailed(string reason);
}
