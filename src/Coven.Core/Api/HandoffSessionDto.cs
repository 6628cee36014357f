namespace Coven.Core.Api;

/// <summary>Who the handed-off session was and how it ended (if it did).</summary>
public sealed record HandoffSessionDto
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public string? Prompt { get; init; }
    public string? Familiar { get; init; }
    public required string Harness { get; init; }
    public string? Model { get; init; }
    public required string ProjectRoot { get; init; }
    public required string Cwd { get; init; }
    public required string Status { get; init; }
    public int? ExitCode { get; init; }
    public string? ExitSignal { get; init; }
    public string? EndReason { get; init; }
    public string? Message { get; init; }
    public string? ResumedFrom { get; init; }
    public required string CreatedAt { get; init; }
    public required string UpdatedAt { get; init; }
}
