using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Coven.Core;
using Coven.Daemon.Hosting;
using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Notifications;

/// <summary>
/// Notices when a session starts waiting, goes idle or ends (docs/attention.md), run by the daemon off every hot
/// path: a watcher follows the store's <c>activity</c> and <c>lifecycle</c> events by cursor (the lanes and the
/// monitors never call it), turns each change into one notice and offers it to a bounded queue (full: dropped and
/// logged); one worker delivers each notice to the sinks of COVEN_HOME/notify.json that want it (commands by argv with
/// the notice on stdin, webhooks by HTTP POST, <c>notify-send</c>), at most <c>maxPerMinute</c> per sink, each
/// delivery bounded in time; a failure is logged and not retried.
/// </summary>
internal sealed partial class NotificationService(CovenStore store, DaemonOptions options, SessionSignals signals, TimeProvider time, ILogger<NotificationService> logger) : BackgroundService
{
    private const int QueueCapacity = 256;

    /// <summary>At most ten passes a second while sessions change; none while they do not.</summary>
    private static readonly TimeSpan s_gap = TimeSpan.FromMilliseconds(100);

    /// <summary>A pass even without a pulse, for events of a lane the daemon is not attached to.</summary>
    private static readonly TimeSpan s_fallback = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_commandTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_webhookTimeout = TimeSpan.FromSeconds(5);
    private static readonly string[] s_ended = [WireNames.Of(SessionStatus.Finished), WireNames.Of(SessionStatus.Failed), WireNames.Of(SessionStatus.Orphaned)];

    private readonly Channel<NotificationPayload> _queue = Channel.CreateBounded<NotificationPayload>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.DropWrite,
    });

    private readonly Dictionary<string, Queue<DateTimeOffset>> _sent = new(StringComparer.Ordinal);
    private readonly HttpClient _http = new() { Timeout = s_webhookTimeout };
    private (DateTime Stamp, NotifyConfigFile Config)? _config;
    private string? _notifySend;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _notifySend = HarnessRegistry.ResolveExecutable("notify-send", Environment.GetEnvironmentVariable("PATH"));
        var worker = Task.Run(() => DeliverAsync(stoppingToken), CancellationToken.None);
        try
        {
            await WatchAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            _queue.Writer.TryComplete();
            await worker;
            _http.Dispose();
        }
    }

    /// <summary>
    /// Follows the two event kinds from the newest events at start (nothing from before the daemon started is
    /// announced), a pass after sessions were pulsed (every lane append and daemon write is), not on a timer.
    /// </summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        using var follow = signals.FollowAny();
        var activityCursor = store.Events.LastSeq();
        var lifecycleCursor = activityCursor;
        while (true)
        {
            await follow.NextAsync(s_gap, s_fallback, time, ct);
            try
            {
                activityCursor = Scan(EventKinds.Activity, activityCursor);
                lifecycleCursor = Scan(EventKinds.Lifecycle, lifecycleCursor);
            }
            catch (StoreException e)
            {
                LogFailed("store", e.Message);
            }
        }
    }

    private long Scan(string kind, long cursor)
    {
        while (true)
        {
            var page = store.Events.Page(null, cursor, 200, kind);
            foreach (var e in page)
            {
                cursor = e.Seq;
                if (Notice(e) is { } notice && !_queue.Writer.TryWrite(notice))
                {
                    LogDropped(notice.SessionId, notice.Event, "the queue is full");
                }
            }

            if (page.Count < 200)
            {
                return cursor;
            }
        }
    }

    private NotificationPayload? Notice(EventRecord e)
    {
        string notice;
        string? reason;
        if (e.Kind == EventKinds.Activity)
        {
            var payload = JsonSerializer.Deserialize(e.PayloadJson, CovenJsonContext.Default.ActivityPayload);
            if (payload?.Activity is not (SessionActivity.Waiting or SessionActivity.Idle))
            {
                return null;
            }

            notice = payload.Activity;
            reason = payload.Reason;
        }
        else
        {
            var payload = JsonSerializer.Deserialize(e.PayloadJson, CovenJsonContext.Default.LifecyclePayload);
            if (payload is null || !s_ended.Contains(payload.To) || (payload.From is { } from && s_ended.Contains(from)))
            {
                return null;
            }

            notice = NotifyEvents.Ended;
            reason = payload.Reason ?? payload.To;
        }

        if (!SessionId.TryParse(e.SessionId, out var id) || store.Sessions.Get(id) is not { } session)
        {
            return null;
        }

        return new NotificationPayload(notice, e.SessionId, session.Harness, session.Title, session.ProjectRoot, session.Activity, WireNames.Of(session.Status), reason, e.Seq, e.CreatedAt);
    }

    private async Task DeliverAsync(CancellationToken ct)
    {
        await foreach (var notice in _queue.Reader.ReadAllAsync(CancellationToken.None))
        {
            if (ct.IsCancellationRequested)
            {
                return;
            }

            var config = Config();
            if (config is null)
            {
                continue;
            }

            var json = JsonSerializer.Serialize(notice, CovenJsonContext.Default.NotificationPayload);
            var deliveries = new List<Task>();
            foreach (var sink in config.Sinks ?? [])
            {
                if (sink.Wants(notice.Event) && Allowed(sink.Id, config.MaxPerMinute ?? NotifyConfigFile.DefaultMaxPerMinute, notice))
                {
                    deliveries.Add(sink.Command is { } argv ? RunAsync(sink.Id, argv, json, ct) : PostAsync(sink.Id, sink.Webhook!, json, ct));
                }
            }

            if (config.Desktop != false && _notifySend is { } notifySend && Allowed("desktop", config.MaxPerMinute ?? NotifyConfigFile.DefaultMaxPerMinute, notice))
            {
                var title = $"{notice.Title ?? notice.Harness}: {notice.Event}";
                deliveries.Add(RunAsync("desktop", [notifySend, "--app-name=coven", title, $"{notice.Harness} session {notice.SessionId[..Math.Min(8, notice.SessionId.Length)]} in {notice.ProjectRoot}"], null, ct));
            }

            await Task.WhenAll(deliveries);
        }
    }

    /// <summary>notify.json, read again when its modification time changes; null (logged once per change) when invalid.</summary>
    private NotifyConfigFile? Config()
    {
        var path = options.Paths.NotifyConfig;
        var stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        if (_config is { } cached && cached.Stamp == stamp)
        {
            return cached.Config;
        }

        try
        {
            var config = NotifyConfigFile.Load(path);
            _config = (stamp, config);
            return config;
        }
        catch (Exception e) when (e is NotifyConfigException or IOException or UnauthorizedAccessException)
        {
            LogConfigInvalid(e.Message);
            _config = (stamp, new NotifyConfigFile { Desktop = false });
            return null;
        }
    }

    /// <summary>A sliding minute per sink.</summary>
    private bool Allowed(string sink, int perMinute, NotificationPayload notice)
    {
        var now = DateTimeOffset.UtcNow;
        if (!_sent.TryGetValue(sink, out var times))
        {
            times = new Queue<DateTimeOffset>();
            _sent[sink] = times;
        }

        while (times.Count > 0 && now - times.Peek() > TimeSpan.FromMinutes(1))
        {
            times.Dequeue();
        }

        if (times.Count >= perMinute)
        {
            LogDropped(notice.SessionId, notice.Event, $"sink {sink} had {perMinute} notices in the last minute");
            return false;
        }

        times.Enqueue(now);
        return true;
    }

    private async Task RunAsync(string sink, IReadOnlyList<string> argv, string? stdin, CancellationToken ct)
    {
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = options.Paths.Home,
        };
        foreach (var argument in argv.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var name in info.Environment.Keys.Where(static k => k.StartsWith("COVEN_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        try
        {
            using var process = Process.Start(info)!;
            var drainOut = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, ct);
            var error = process.StandardError.ReadToEndAsync(ct);
            try
            {
                if (stdin is not null)
                {
                    await process.StandardInput.WriteAsync(stdin.AsMemory(), ct);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // It did not read its input; its exit status says the rest.
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(s_commandTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                LogFailed(sink, $"{argv[0]} did not finish within {s_commandTimeout.TotalSeconds:0} s; killed");
                return;
            }

            await drainOut;
            var stderr = await error;
            if (process.ExitCode != 0)
            {
                LogFailed(sink, $"{argv[0]} exited {process.ExitCode}: {Shorten(stderr)}");
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            LogFailed(sink, $"{argv[0]}: {e.Message}");
        }
    }

    private async Task PostAsync(string sink, string url, string json, CancellationToken ct)
    {
        try
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(new Uri(url), content, ct);
            if (!response.IsSuccessStatusCode)
            {
                LogFailed(sink, $"{url} answered HTTP {(int)response.StatusCode}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            LogFailed(sink, $"{url}: {e.Message}");
        }
    }

    private static string Shorten(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 200 ? line : line[..200] + "...";
    }

    [LoggerMessage(EventId = Logging.EventIds.NoticeFailed, Level = LogLevel.Warning, Message = "notice to {Sink} failed: {Reason}")]
    private partial void LogFailed(string sink, string reason);

    [LoggerMessage(EventId = Logging.EventIds.NoticeDropped, Level = LogLevel.Warning, Message = "notice {Event} of session {SessionId} dropped: {Reason}")]
    private partial void LogDropped(string sessionId, string @event, string reason);

    [LoggerMessage(EventId = Logging.EventIds.NotifyConfigInvalid, Level = LogLevel.Warning, Message = "notify.json ignored: {Reason}")]
    private partial void LogConfigInvalid(string reason);
}
