using System.Buffers;
using System.Text.Json;
using Coven.Core;
using Coven.Daemon.Hosting;
using Coven.Interop;

namespace Coven.Daemon.Sessions;

/// <summary>An event covend could not write to the store yet: its own id and time are kept, so a replay inserts it once.</summary>
internal sealed record DeferredEvent(SessionId Session, string EventId, string Kind, string Payload, DateTimeOffset CreatedAt);

/// <summary>
/// The on-disk copy of <see cref="DeferredEvents"/>: <c>COVEN_HOME/spill/events.jsonl</c> (0600 in a 0700 directory), one JSON
/// record per line, appended and fsync'd before the request is answered, so a deferred event outlives a covend that dies
/// before the store accepts writes again. Payloads are written already redacted (<see cref="Store.EventRepository.RedactInput"/>).
/// Not thread-safe: <see cref="DeferredEvents"/> calls it under its lock.
/// </summary>
/// <remarks>
/// Exactly once: each record carries the id its event gets in the store, and the store inserts an id only once
/// (<see cref="Store.EventRepository.AppendOnce"/>), so a crash after the events were written and before this file was
/// removed replays them without duplicates. The file is removed only when no deferred event is left.
/// </remarks>
internal sealed partial class EventSpill(DaemonOptions options, ILogger<EventSpill> logger)
{
    private const byte Newline = (byte)'\n';

    private readonly string _dir = options.Paths.SpillDir;
    private readonly string _home = options.Paths.Home;

    /// <summary>The file may end in a partial record (a write that failed part-way and could not be cut off): start on a new line.</summary>
    private bool _torn;

    /// <summary>The file could not be read at start: it is never removed by this covend.</summary>
    private bool _unreadable;

    public string FilePath => Path.Combine(_dir, "events.jsonl");

    /// <summary>Appends <paramref name="e"/> durably; false when it could not be written (disk full, permissions): it is then in memory only.</summary>
    public bool TryAppend(DeferredEvent e)
    {
        var line = Serialize(e);
        FileStream? file = null;
        long before = -1;
        try
        {
            var newDir = !Directory.Exists(_dir);
            CovenPaths.EnsurePrivateDirectory(_dir);
            var newFile = !File.Exists(FilePath);
            file = new FileStream(FilePath, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.Read,
                BufferSize = 0,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            before = file.Length;
            if (_torn)
            {
                file.Write([Newline]);
            }

            file.Write(line);
            file.Flush(flushToDisk: true);
            _torn = false;

            // The record is on disk; so must be the names leading to it (after a power loss, not only a crash).
            if (newFile)
            {
                SyncDirectory(_dir);
            }

            if (newDir)
            {
                SyncDirectory(_home);
            }

            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // ENOSPC part-way through the record: cut it off again so the next one does not continue a torn line.
            if (file is not null && before >= 0)
            {
                try
                {
                    file.SetLength(before);
                }
                catch (IOException)
                {
                    _torn = true;
                }
            }

            LogSpillFailed(e.Session, ex.Message);
            return false;
        }
        finally
        {
            DisposeQuietly(file);
        }
    }

    /// <summary>The records of the file in their order; lines that are not a whole record (a crash during a write) are skipped.</summary>
    public IReadOnlyList<DeferredEvent> Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(FilePath);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not readable now (permissions changed by hand?): keep it for a later start rather than remove it unread.
            _unreadable = true;
            LogUnreadable(FilePath, ex.Message);
            return [];
        }

        var records = new List<DeferredEvent>();
        var skipped = 0;
        var rest = bytes.AsSpan();
        while (rest.Length > 0)
        {
            var end = rest.IndexOf(Newline);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (line.IsEmpty)
            {
                continue;
            }

            if (Parse(line) is { } record)
            {
                records.Add(record);
            }
            else
            {
                skipped++;
            }
        }

        _torn = bytes.Length > 0 && bytes[^1] != Newline;
        if (skipped > 0)
        {
            LogSkipped(skipped, FilePath);
        }

        return records;
    }

    /// <summary>Removes the file (every record in it is in the store, or was dropped); a failure is logged, and the next replay skips what is already in the store.</summary>
    public void Remove()
    {
        try
        {
            if (!_unreadable && File.Exists(FilePath))
            {
                File.Delete(FilePath);
                _torn = false;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogRemoveFailed(FilePath, ex.Message);
        }
    }

    internal static byte[] Serialize(DeferredEvent e)
    {
        var buffer = new ArrayBufferWriter<byte>(e.Payload.Length + 200);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("eventId", e.EventId);
            w.WriteString("sessionId", e.Session.Value);
            w.WriteString("kind", e.Kind);
            w.WriteString("createdAt", Timestamps.Of(e.CreatedAt));
            w.WriteString("payload", e.Payload);
            w.WriteEndObject();
        }

        // Utf8JsonWriter escapes control characters, so the record itself never contains a newline.
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    internal static DeferredEvent? Parse(ReadOnlySpan<byte> line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || Text(root, "eventId") is not { Length: > 0 } eventId
                || !SessionId.TryParse(Text(root, "sessionId"), out var session)
                || Text(root, "kind") is not { Length: > 0 } kind
                || Text(root, "createdAt") is not { } createdAt
                || Text(root, "payload") is not { } payload)
            {
                return null;
            }

            return new DeferredEvent(session, eventId, kind, payload, Timestamps.Parse(createdAt));
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>fsync(2) of a directory, so an entry created in it survives a power loss (.NET cannot open a directory as a stream).</summary>
    private static void SyncDirectory(string path)
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_DIRECTORY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            return;
        }

        _ = Libc.Fsync(fd);
        _ = Libc.Close(fd);
    }

    private static void DisposeQuietly(FileStream? file)
    {
        try
        {
            file?.Dispose();
        }
        catch (IOException)
        {
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.SpillFailed, Level = LogLevel.Warning, Message = "Session {SessionId}: a deferred event could not be spilled to disk ({Reason}); it is kept in memory only")]
    private partial void LogSpillFailed(SessionId sessionId, string reason);

    [LoggerMessage(EventId = Logging.EventIds.SpillRecordsSkipped, Level = LogLevel.Warning, Message = "{Count} incomplete records skipped in {Path}")]
    private partial void LogSkipped(int count, string path);

    [LoggerMessage(EventId = Logging.EventIds.SpillUnreadable, Level = LogLevel.Error, Message = "{Path} cannot be read ({Reason}); its deferred events are not written and the file is kept")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(EventId = Logging.EventIds.SpillRemoveFailed, Level = LogLevel.Warning, Message = "{Path} could not be removed ({Reason}); its events are in the store and will not be written twice")]
    private partial void LogRemoveFailed(string path, string reason);
}
