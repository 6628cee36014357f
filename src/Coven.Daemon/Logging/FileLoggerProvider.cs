using System.Collections.Concurrent;
using System.Text;
using Coven.Core;

namespace Coven.Daemon.Logging;

/// <summary>
/// Appends log lines to one file and rotates it by size (covend.log → covend.1.log → ...). Writes are serialized
/// under a lock; the daemon logs little, so a background queue would buy nothing but lost lines on a crash.
/// A line that cannot be written (disk full) is dropped and counted, never thrown into the caller.
/// </summary>
internal sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, FileLogger> _loggers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly string _path;
    private readonly long _maxBytes;
    private readonly int _kept;
    private readonly LogLevel _minimum;
    private readonly TimeProvider _time;
    private FileStream? _stream;
    private long _dropped;

    public FileLoggerProvider(string path, long maxBytes, int kept, LogLevel minimum, TimeProvider time)
    {
        _path = path;
        _maxBytes = maxBytes;
        _kept = Math.Max(1, kept);
        _minimum = minimum;
        _time = time;
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FileLogger(name, this));

    /// <summary>Secrets in a message (an exception quoting a URL, a value) are replaced before the line is written.</summary>
    public Core.Redaction.RedactionRules Redaction { get; init; } = Core.Redaction.RedactionRules.Default;

    internal bool IsEnabled(LogLevel level) => level >= _minimum && level != LogLevel.None;

    internal void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception)
    {
        var line = new StringBuilder(128)
            .Append(Timestamps.Of(_time.GetUtcNow())).Append(' ')
            .Append(Level(level)).Append(' ')
            .Append(category).Append('[').Append(eventId.Id).Append("] ")
            .Append(message);
        if (exception is not null)
        {
            line.Append('\n').Append(exception);
        }

        var bytes = Encoding.UTF8.GetBytes(Redaction.Redact(line.ToString()) + "\n");
        lock (_gate)
        {
            try
            {
                _stream ??= Open();
                if (_dropped > 0)
                {
                    // The log works again: say what is missing before going on.
                    var note = Encoding.UTF8.GetBytes($"{Timestamps.Of(_time.GetUtcNow())} warn Coven.Daemon.Logging[{EventIds.LogLinesDropped}] {_dropped} log lines were dropped because the log could not be written\n");
                    _stream.Write(note);
                    _dropped = 0;
                }

                _stream.Write(bytes);
                if (_stream.Length > _maxBytes)
                {
                    Rotate();
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException or NotSupportedException)
            {
                // Logging must never break a request or take the daemon down (disk full, home removed): drop the
                // line, count it, and report the count once a write succeeds again.
                _dropped++;
                CloseQuietly();
            }
        }
    }

    /// <summary>Lines dropped since the log last could be written (tests, health of the log).</summary>
    internal long Dropped
    {
        get
        {
            lock (_gate)
            {
                return _dropped;
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            CloseQuietly();
        }
    }

    /// <summary>Unbuffered: a failed write leaves nothing behind that a later flush or dispose could throw on.</summary>
    private FileStream Open() => new(_path, new FileStreamOptions
    {
        Mode = FileMode.Append,
        Access = FileAccess.Write,
        Share = FileShare.ReadWrite,
        BufferSize = 0,
        UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
    });

    private void CloseQuietly()
    {
        try
        {
            _stream?.Dispose();
        }
        catch (IOException)
        {
        }

        _stream = null;
    }

    private void Rotate()
    {
        CloseQuietly();
        for (var i = _kept - 1; i >= 1; i--)
        {
            var from = i == 1 ? _path : Numbered(i - 1);
            if (File.Exists(from))
            {
                File.Move(from, Numbered(i), overwrite: true);
            }
        }

        if (_kept == 1)
        {
            File.Delete(_path);
        }
    }

    private string Numbered(int n) => Path.Combine(
        Path.GetDirectoryName(_path)!,
        Path.GetFileNameWithoutExtension(_path) + "." + n + Path.GetExtension(_path));

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };
}
