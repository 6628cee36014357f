using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Core.Cast;
using Coven.Daemon.Api;
using Coven.Daemon.Screens;
using Coven.Daemon.Sessions;
using Coven.Store;
using Coven.Terminal;

namespace Coven.Daemon.Handoff;

/// <summary>
/// Builds handoff context for a session: who it was, how it ended, its screen (from the live lane, else re-rendered
/// from the recorded output with Coven.Terminal), its last lines of readable output and the project's git state.
/// The document is marked untrusted; its prompt form starts with a warning saying so.
/// </summary>
internal sealed class HandoffService(CovenStore store, SessionService sessions, ScreenReader screens, TimeProvider time, Worktrees.WorktreeService worktrees)
{
    public const string Action = "session.handoff";
    public const int DefaultLines = 40;
    public const int MaxLines = 1000;

    /// <summary>Recorded output kept for rendering: enough for any screen and many lines, bounded for huge sessions.</summary>
    private const int MaxReplayBytes = 4 * 1024 * 1024;

    /// <summary><c>GET /api/v1/sessions/{id}/handoff[?format=prompt&amp;lines=N]</c>.</summary>
    public async Task<ApiResult> GetAsync(string? rawId, string? format, int lines, CancellationToken cancellationToken)
    {
        if (format is not (null or "json" or "prompt"))
        {
            return ApiErrors.InvalidRequest($"format '{ApiErrors.Printable(format)}' is not one of json, prompt.");
        }

        if (!SessionId.TryParse(rawId, out var id) || store.Sessions.Get(id) is not { } session)
        {
            return ApiErrors.SessionNotFound(rawId);
        }

        var document = await BuildAsync(session, lines, cancellationToken);
        return format == "prompt"
            ? ApiResult.Ok(new HandoffPromptResponse { SessionId = session.Id.Value, Prompt = HandoffPrompt.Render(document) }, CovenJsonContext.Default.HandoffPromptResponse)
            : ApiResult.Ok(document, CovenJsonContext.Default.HandoffDocument);
    }

    /// <summary>
    /// <c>~&lt;handoff SESSION to:NAME</c>: launches familiar NAME in the session's root and cwd with the rendered
    /// handoff as its prompt, through the ordinary launch (same validation, same errors).
    /// </summary>
    public async Task<ApiResult> HandOffToAsync(SessionRecord session, string familiar, CancellationToken cancellationToken)
    {
        var document = await BuildAsync(session, DefaultLines, cancellationToken);
        var launch = await sessions.LaunchAsync(
            new LaunchRequest
            {
                ProjectRoot = session.ProjectRoot,
                Cwd = session.Cwd,
                Familiar = familiar,
                Prompt = HandoffPrompt.Render(document),
                Title = "handoff: " + session.Title,
            },
            cancellationToken);
        if (!launch.IsSuccess || launch.Body() is not { } body)
        {
            return launch;
        }

        var launched = body.Deserialize(CovenJsonContext.Default.SessionDto)!;
        return ApiResult.Json(launch.StatusCode, new HandoffLaunchResponse(document, launched), CovenJsonContext.Default.HandoffLaunchResponse);
    }

    public async Task<HandoffDocument> BuildAsync(SessionRecord session, int lines, CancellationToken cancellationToken)
    {
        var output = ReadOutput(session.Id);
        var screen = await ScreenAsync(session, cancellationToken) ?? ReplayScreen(output, session.Columns, session.Rows);
        var transcript = TranscriptRenderer.Render(output, session.Columns, session.Rows)
            .Split('\n')
            .SkipLast(1)
            .ToList();
        var recent = transcript.Skip(Math.Max(0, transcript.Count - lines)).Select(Clean).ToList();
        var git = await GitState.ReadAsync(session.ProjectRoot, cancellationToken);
        if (git is not null)
        {
            git = git with { HeadSubject = git.HeadSubject is { } subject ? Clean(subject) : null, Status = [.. git.Status.Select(Clean)] };
        }

        if (git is not null && await worktrees.DiffStatAsync(session.Id.Value, cancellationToken) is { } diffStat)
        {
            git = git with { DiffStat = string.Join('\n', diffStat.Split('\n').Select(GitState.Clean)) };
        }
        return new HandoffDocument
        {
            Warning = HandoffPrompt.Warning,
            GeneratedAt = Timestamps.Of(time.GetUtcNow()),
            Session = new HandoffSessionDto
            {
                Id = session.Id.Value,
                Title = session.Title,
                Prompt = session.Prompt is { } prompt ? store.Redaction.Redact(prompt) : null,
                Familiar = session.Familiar,
                Harness = session.Harness,
                Model = session.Model,
                ProjectRoot = session.ProjectRoot,
                Cwd = session.Cwd,
                Status = WireNames.Of(session.Status),
                ExitCode = session.Exit?.Code,
                ExitSignal = session.Exit?.SignalName,
                EndReason = session.EndReason is { } r ? WireNames.Of(r) : null,
                Message = session.Message is { } message ? store.Redaction.Redact(message) : null,
                ResumedFrom = session.ResumedFrom?.Value,
                CreatedAt = Timestamps.Of(session.CreatedAt),
                UpdatedAt = Timestamps.Of(session.UpdatedAt),
            },
            Screen = screen,
            RecentOutput = recent,
            RecentOutputLines = lines,
            Git = git,
        };
    }

    /// <summary>
    /// The screen as <c>GET .../screen</c> gives it (ScreenReader): the lane's screen model while live, the recorded
    /// output replayed once ended. Null when there is none (pending, or a lane that does not answer).
    /// </summary>
    private async Task<HandoffScreenDto?> ScreenAsync(SessionRecord session, CancellationToken cancellationToken)
    {
        var read = await screens.ReadAsync(session, ansi: false, cancellationToken);
        if (read.Screen is not { } screen)
        {
            return null;
        }

        return new HandoffScreenDto
        {
            Source = screen.Live ? "lane" : "transcript",
            Cols = screen.Cols,
            Rows = screen.Rows,
            AltScreen = screen.AltScreen,
            Lines = screen.Lines.Select(Clean).ToList(),
        };
    }

    /// <summary>
    /// Control characters out, secrets redacted: a live lane's screen is not redacted (it is what the harness drew),
    /// and a handoff document leaves the session (a prompt, a new session's record).
    /// </summary>
    private string Clean(string text) => store.Redaction.Redact(GitState.Clean(text));

    private HandoffScreenDto ReplayScreen(byte[] output, int cols, int rows)
    {
        var screen = new TerminalScreen(cols, rows, scrollbackLines: 0);
        screen.Feed(output);
        var snapshot = screen.Snapshot();
        return new HandoffScreenDto
        {
            Source = "transcript",
            Cols = snapshot.Columns,
            Rows = snapshot.Rows,
            AltScreen = snapshot.AltScreen,
            Lines = snapshot.Lines.Select(Clean).ToList(),
        };
    }

    /// <summary>The session's recorded output bytes, the last <see cref="MaxReplayBytes"/> of them at most.</summary>
    private byte[] ReadOutput(SessionId id)
    {
        var chunks = new LinkedList<byte[]>();
        long total = 0;
        long after = 0;
        while (true)
        {
            var page = store.Events.Page(id, after, 1000, EventKinds.Output);
            foreach (var e in page)
            {
                after = e.Seq;
                if (OutputPayload.Bytes(e.PayloadJson) is not { Length: > 0 } bytes)
                {
                    continue;
                }

                chunks.AddLast(bytes);
                total += bytes.Length;
                while (total > MaxReplayBytes && chunks.First is { } first)
                {
                    total -= first.Value.Length;
                    chunks.RemoveFirst();
                }
            }

            if (page.Count < 1000)
            {
                break;
            }
        }

        var all = new byte[total];
        var offset = 0;
        foreach (var chunk in chunks)
        {
            chunk.CopyTo(all, offset);
            offset += chunk.Length;
        }

        return all;
    }
}
