namespace Coven.Core.Api;

/// <summary>Event payloads (the <c>payloadJson</c> documents of api.md).</summary>
public sealed record OutputPayload
{
    public string? Data { get; init; }
    public string? DataBase64 { get; init; }
}

public sealed record ExitPayload(int? ExitCode, string? Signal, string Status);

public sealed record LifecyclePayload(string? From, string To, string Trigger, string? Reason);

public sealed record ResizePayload(int Cols, int Rows);

public sealed record KillPayload(string Signal, int GraceMs);

public sealed record ReattachedPayload(int LanePid);

public sealed record TruncatedPayload(long DroppedBytes);
