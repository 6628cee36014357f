using System.Net.Sockets;
using System.Text.Json;
using Coven.Core;

namespace Coven.Lane;

/// <summary>
/// <c>coven-lane hook claude|codex|report</c>: the native activity signal of docs/attention.md. A harness runs it
/// (Claude Code's hooks, Codex's <c>notify</c>, a registered harness's own script); it turns what the harness says into
/// an activity and sends one <c>activity</c> request to the session's lane, whose socket the lane put in
/// <c>$COVEN_ACTIVITY_SOCKET</c>. It prints nothing on stdout (Claude Code would add it to the conversation) and, for
/// Claude Code and Codex, always exits 0: a failed report must never disturb the agent.
/// </summary>
internal static class ActivityHook
{
    public const string SocketVariable = "COVEN_ACTIVITY_SOCKET";
    public const string HookVariable = "COVEN_ACTIVITY_HOOK";

    private const int MaxStdinBytes = 1024 * 1024;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(2);

    /// <summary>The lane gives its harness the socket to report to and the hook program's path (the lane's own).</summary>
    public static void Export(Dictionary<string, string> environment, string laneSocket)
    {
        environment[SocketVariable] = laneSocket;
        if (Environment.ProcessPath is { } self)
        {
            environment[HookVariable] = self;
        }
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(s_timeout);
        var lenient = args is ["claude"] or ["codex", ..];
        try
        {
            var (activity, reason, error) = args switch
            {
                ["claude"] => FromClaude(await ReadStdinAsync(cts.Token)),
                ["codex", .., var json] => FromCodex(json),
                ["report", var a] when IsReportable(a) => (a, "hook:report", null),
                ["report", var a, var r] when IsReportable(a) => (a, r, null),
                _ => (null, null, "usage: coven-lane hook claude (event JSON on stdin) | codex <event JSON> | report working|waiting|idle [reason]"),
            };
            if (error is not null)
            {
                await Console.Error.WriteLineAsync("coven-lane hook: " + error);
                return lenient ? 0 : 2;
            }

            if (activity is null)
            {
                return 0; // an event that says nothing about activity (auth_success, another Codex event type)
            }

            if (Environment.GetEnvironmentVariable(SocketVariable) is not { Length: > 0 } socket)
            {
                await Console.Error.WriteLineAsync($"coven-lane hook: ${SocketVariable} is not set (not run under a Coven session)");
                return lenient ? 0 : 1;
            }

            var failure = await SendAsync(socket, activity, reason!, cts.Token);
            if (failure is not null)
            {
                await Console.Error.WriteLineAsync("coven-lane hook: " + failure);
                return lenient ? 0 : 1;
            }

            return 0;
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or JsonException)
        {
            await Console.Error.WriteLineAsync("coven-lane hook: " + ex.Message);
            return lenient ? 0 : 1;
        }
    }

    private static bool IsReportable(string activity) => activity is SessionActivity.Working or SessionActivity.Waiting or SessionActivity.Idle;

    /// <summary>Claude Code's hook input (JSON on stdin): <c>hook_event_name</c>, and for Notification <c>notification_type</c>.</summary>
    internal static (string? Activity, string? Reason, string? Error) FromClaude(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var name = Text(root, "hook_event_name");
        switch (name)
        {
            case "UserPromptSubmit" or "PostToolUse" or "PreToolUse":
                return (SessionActivity.Working, "hook:" + name, null);
            case "Stop":
                return (SessionActivity.Idle, "hook:Stop", null);
            case "PermissionRequest":
                return (SessionActivity.Waiting, "hook:PermissionRequest", null);
            case "Notification":
                var type = Text(root, "notification_type");
                var message = Text(root, "message") ?? string.Empty;
                var activity = type switch
                {
                    "permission_prompt" or "elicitation_dialog" => SessionActivity.Waiting,
                    "idle_prompt" => SessionActivity.Idle,
                    null when message.Contains("permission", StringComparison.OrdinalIgnoreCase) => SessionActivity.Waiting,
                    null when message.Contains("waiting for your input", StringComparison.OrdinalIgnoreCase) => SessionActivity.Idle,
                    _ => null,
                };

                // The reason names the kind, never the message text (it could quote a command line).
                return (activity, "hook:Notification" + (type is null ? string.Empty : " " + type), null);
            default:
                return (null, null, null);
        }
    }

    /// <summary>Codex's notify argument: <c>{"type":"agent-turn-complete", ...}</c>.</summary>
    internal static (string? Activity, string? Reason, string? Error) FromCodex(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return Text(doc.RootElement, "type") == "agent-turn-complete"
            ? (SessionActivity.Idle, "hook:agent-turn-complete", null)
            : (null, null, null);
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<string> ReadStdinAsync(CancellationToken cancellationToken)
    {
        await using var stdin = Console.OpenStandardInput();
        var buffer = new byte[MaxStdinBytes];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await stdin.ReadAsync(buffer.AsMemory(total), cancellationToken)) > 0)
        {
            total += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, total);
    }

    /// <summary>One <c>activity</c> request; null when the lane accepted it, else why not.</summary>
    private static async Task<string?> SendAsync(string socketPath, string activity, string reason, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        var frame = LaneFrame.Build(w =>
        {
            w.WriteNumber("v", LaneFrame.ProtocolVersion);
            w.WriteNumber("id", 1);
            w.WriteString("op", "activity");
            w.WriteString("activity", activity);
            w.WriteString("reason", reason);
        });
        await socket.SendAsync(frame, SocketFlags.None, cancellationToken);

        var header = new byte[LaneFrame.HeaderBytes];
        await ReceiveExactlyAsync(socket, header, cancellationToken);
        var length = LaneFrame.ReadLength(header);
        if (!LaneFrame.IsValidLength(length))
        {
            return "the lane sent an invalid frame";
        }

        var payload = new byte[length];
        await ReceiveExactlyAsync(socket, payload, cancellationToken);
        using var reply = JsonDocument.Parse(payload);
        if (reply.RootElement.TryGetProperty("ok", out var ok) && ok.ValueKind == JsonValueKind.True)
        {
            return null;
        }

        return reply.RootElement.TryGetProperty("error", out var error) && Text(error, "message") is { } message
            ? "the lane refused: " + message
            : "the lane refused the report";
    }

    private static async Task ReceiveExactlyAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(total), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new IOException("the lane closed the connection");
            }

            total += read;
        }
    }
}
