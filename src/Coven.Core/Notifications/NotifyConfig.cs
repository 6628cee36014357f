using System.Text.Json;

namespace Coven.Core;

/// <summary>
/// COVEN_HOME/notify.json (0600, docs/attention.md): where the daemon sends a notice when a session starts waiting,
/// goes idle or ends. <c>{"sinks": [{"id", "command": [argv...] | "webhook": "http(s)://...", "on": ["waiting", "idle",
/// "ended"]}], "desktop": true, "maxPerMinute": 30}</c>.
/// </summary>
public sealed record NotifyConfigFile
{
    public const int DefaultMaxPerMinute = 30;

    public IReadOnlyList<NotifySink>? Sinks { get; init; }

    /// <summary><c>notify-send</c> when it is on the daemon's PATH; default true.</summary>
    public bool? Desktop { get; init; }

    /// <summary>At most this many notices per sink per minute (1..600; default 30); the rest are dropped and logged.</summary>
    public int? MaxPerMinute { get; init; }

    /// <summary>The event names a notice has.</summary>
    public static readonly string[] Events = [NotifyEvents.Waiting, NotifyEvents.Idle, NotifyEvents.Ended];

    /// <summary>Reads <paramref name="path"/>; a missing file is the empty configuration.</summary>
    /// <exception cref="NotifyConfigException">The file exists but is not valid.</exception>
    public static NotifyConfigFile Load(string path)
    {
        if (!File.Exists(path))
        {
            return new NotifyConfigFile();
        }

        NotifyConfigFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(path), CovenJsonContext.Default.NotifyConfigFile);
        }
        catch (JsonException e)
        {
            throw new NotifyConfigException($"{path}: {e.Message}");
        }

        file ??= new NotifyConfigFile();
        if (file.Validate() is { } error)
        {
            throw new NotifyConfigException($"{path}: {error}");
        }

        return file;
    }

    /// <summary>Null when valid, else what is wrong.</summary>
    public string? Validate()
    {
        if (MaxPerMinute is < 1 or > 600)
        {
            return "maxPerMinute must be 1-600.";
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sink in Sinks ?? [])
        {
            if (string.IsNullOrEmpty(sink.Id) || !ids.Add(sink.Id))
            {
                return $"every sink needs a unique id ('{sink.Id}').";
            }

            if ((sink.Command is { Count: > 0 }) == (sink.Webhook is not null))
            {
                return $"sink '{sink.Id}' needs exactly one of command (an argv array) or webhook (a URL).";
            }

            if (sink.Command is { } argv && (!Path.IsPathRooted(argv[0]) || argv.Any(a => a is null || a.Contains('\0', StringComparison.Ordinal))))
            {
                return $"sink '{sink.Id}': the command's first element must be an absolute path, and no element may hold NUL.";
            }

            if (sink.Webhook is { } url && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
            {
                return $"sink '{sink.Id}': webhook '{url}' is not an http(s) URL.";
            }

            foreach (var on in sink.On ?? [])
            {
                if (!Events.Contains(on))
                {
                    return $"sink '{sink.Id}': on '{on}' is not one of {string.Join(", ", Events)}.";
                }
            }
        }

        return null;
    }
}

/// <summary>One place a notice goes: a command (argv, no shell; the notice as JSON on stdin) or a webhook (HTTP POST of the JSON).</summary>
public sealed record NotifySink
{
    public required string Id { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public string? Webhook { get; init; }

    /// <summary>The events it wants; null or empty: all of them.</summary>
    public IReadOnlyList<string>? On { get; init; }

    public bool Wants(string notice) => On is not { Count: > 0 } on || on.Contains(notice);
}

/// <summary>What a notice says (its <c>event</c>).</summary>
public static class NotifyEvents
{
    public const string Waiting = "waiting";
    public const string Idle = "idle";
    public const string Ended = "ended";
}

/// <summary>The JSON a sink receives: one change of one session.</summary>
public sealed record NotificationPayload(
    string Event,
    string SessionId,
    string Harness,
    string? Title,
    string ProjectRoot,
    string? Activity,
    string Status,
    string? Reason,
    long Seq,
    string At);

public sealed class NotifyConfigException(string message) : Exception(message);
