namespace Coven.Core.Api;

/// <summary>Event payloads (the <c>payloadJson</c> documents of docs/api.md).</summary>
public sealed record OutputPayload
{
    public string? Data { get; init; }
    public string? DataBase64 { get; init; }

    /// <summary>
    /// The exact bytes of an <c>output</c> event's payload (<c>data</c> as UTF-8, or <c>dataBase64</c> decoded);
    /// null for a payload that is neither (damaged or not an output payload), which readers skip.
    /// </summary>
    public static byte[]? Bytes(string payloadJson)
    {
        try
        {
            var payload = System.Text.Json.JsonSerializer.Deserialize(payloadJson, RecordJsonContext.Default.OutputPayload);
            return payload?.Data is { } text ? System.Text.Encoding.UTF8.GetBytes(text)
                : payload?.DataBase64 is { } b64 ? Convert.FromBase64String(b64)
                : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            return null;
        }
    }
}

public sealed record ExitPayload(int? ExitCode, string? Signal, string Status);

public sealed record LifecyclePayload(string? From, string To, string Trigger, string? Reason);

public sealed record ResizePayload(int Cols, int Rows);

public sealed record KillPayload(string Signal, int GraceMs);

public sealed record ReattachedPayload(int LanePid);

/// <summary>
/// Output pruned by retention (docs/retention.md): the output events with seq in <c>FromSeq..ToSeq</c> of the
/// session are gone, <c>Events</c> of them holding <c>DroppedBytes</c> bytes of output; <c>Reason</c> is the bound
/// (<c>session-cap</c>, <c>age</c>, <c>store-cap</c>, <c>disk-floor</c>). The event takes the seq of the first pruned one.
/// </summary>
public sealed record TruncatedPayload(long DroppedBytes, long FromSeq, long ToSeq, int Events, string Reason)
{
    /// <summary>
    /// The line replays (<c>coven logs</c>, the screen of an ended session) show where output was pruned, as terminal
    /// output (CR LF around it); null for a damaged payload.
    /// </summary>
    public static byte[]? Notice(string payloadJson)
    {
        try
        {
            var p = System.Text.Json.JsonSerializer.Deserialize(payloadJson, RecordJsonContext.Default.TruncatedPayload);
            return p is null
                ? null
                : System.Text.Encoding.UTF8.GetBytes(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"\r\n[coven: {p.DroppedBytes} bytes of output pruned ({p.Reason}; {p.Events} events, seq {p.FromSeq}..{p.ToSeq})]\r\n"));
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}

/// <summary>An <c>activity</c> event: what the agent does now, what it did before, and how Coven knows (docs/attention.md).</summary>
public sealed record ActivityPayload(string Activity, string? Previous, string? Reason, string Source);
