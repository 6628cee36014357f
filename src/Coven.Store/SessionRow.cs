using Coven.Core;

namespace Coven.Store;

/// <summary>The sessions table as Dapper maps it (snake_case columns matched with underscores).</summary>
internal sealed class SessionRow
{
    public string Id { get; set; } = string.Empty;
    public string ProjectRoot { get; set; } = string.Empty;
    public string Cwd { get; set; } = string.Empty;
    public string Harness { get; set; } = string.Empty;
    public string Title { get; set; } = string.Empty;
    public string? Prompt { get; set; }
    public string? Model { get; set; }
    public string? Familiar { get; set; }
    public string? ResumedFrom { get; set; }
    public string Status { get; set; } = string.Empty;
    public string? ArchivedFrom { get; set; }
    public long? ExitCode { get; set; }
    public long? ExitSignal { get; set; }
    public string? EndReason { get; set; }
    public string? Message { get; set; }
    public string CreatedAt { get; set; } = string.Empty;
    public string UpdatedAt { get; set; } = string.Empty;
    public long? LanePid { get; set; }
    public long? LaneStartTime { get; set; }
    public long? HarnessPid { get; set; }
    public long? HarnessStartTime { get; set; }
    public long Cols { get; set; }
    public long Rows { get; set; }
    public string? ConversationId { get; set; }
    public string? Activity { get; set; }
    public string? ActivitySince { get; set; }
    public string? ActivityReason { get; set; }

    public const string Columns = """
        id, project_root, cwd, harness, title, prompt, model, familiar, resumed_from, status, archived_from,
        exit_code, exit_signal, end_reason, message, created_at, updated_at, lane_pid, lane_start_time,
        harness_pid, harness_start_time, cols, rows, conversation_id, activity, activity_since, activity_reason
        """;

    public SessionRecord ToRecord()
    {
        if (!WireNames.TryParseStatus(Status, out var status))
        {
            throw new StoreException($"session {Id} has an unknown status '{Status}'.");
        }

        SessionStatus? archivedFrom = WireNames.TryParseStatus(ArchivedFrom, out var af) ? af : null;
        EndReason? endReason = WireNames.TryParseEndReason(EndReason, out var er) ? er : null;
        return new SessionRecord
        {
            Id = SessionId.Parse(Id),
            ProjectRoot = ProjectRoot,
            Cwd = Cwd,
            Harness = Harness,
            Title = Title,
            Prompt = Prompt,
            Model = Model,
            Familiar = Familiar,
            ResumedFrom = SessionId.TryParse(ResumedFrom, out var rf) ? rf : null,
            Status = status,
            ArchivedFrom = archivedFrom,
            Exit = ExitCode is null && ExitSignal is null ? null : new ExitStatus((int?)ExitCode, (int?)ExitSignal),
            EndReason = endReason,
            Message = Message,
            CreatedAt = Timestamps.Parse(CreatedAt),
            UpdatedAt = Timestamps.Parse(UpdatedAt),
            Lane = LanePid is long lp && LaneStartTime is long lst ? new ProcessIdentity((int)lp, (ulong)lst) : null,
            HarnessProcess = HarnessPid is long hp && HarnessStartTime is long hst ? new ProcessIdentity((int)hp, (ulong)hst) : null,
            Columns = (int)Cols,
            Rows = (int)Rows,
            ConversationId = ConversationId,
            Activity = Activity,
            ActivitySince = ActivitySince is null ? null : Timestamps.Parse(ActivitySince),
            ActivityReason = ActivityReason,
        };
    }
}
