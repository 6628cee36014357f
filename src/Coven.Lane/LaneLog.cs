using System.Globalization;
using System.Text;

namespace Coven.Lane;

/// <summary>
/// A tiny line logger to <c>logs/lane-&lt;id&gt;.log</c>. The lane has no terminal and no stdout after the
/// handshake, so this file is the only place its story is told. Never logs harness output; every line is
/// redacted anyway (an exception message may quote a path, a URL or a value).
/// </summary>
internal sealed class LaneLog : IDisposable
{
    private readonly Lock _lock = new();
    private readonly StreamWriter? _writer;
    private Core.Redaction.RedactionRules _redaction = Core.Redaction.RedactionRules.Default;

    private LaneLog(StreamWriter? writer) => _writer = writer;

    public static LaneLog Open(string path)
    {
        try
        {
            var dir = Path.GetDirectoryName(path)!;
            Core.CovenPaths.EnsurePrivateDirectory(dir);
            var stream = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.Append,
                Access = FileAccess.Write,
                Share = FileShare.ReadWrite | FileShare.Delete,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            return new LaneLog(new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true });
        }
        catch (IOException)
        {
            return new LaneLog(null);
        }
        catch (UnauthorizedAccessException)
        {
            return new LaneLog(null);
        }
    }

    /// <summary>The rules of the settings file, once the lane has read them (the built-in ones until then).</summary>
    public void UseRedaction(Core.Redaction.RedactionRules rules) => _redaction = rules;

    public void Info(string message) => Write("INF", message);

    public void Warn(string message) => Write("WRN", message);

    public void Error(string message, Exception? exception = null) =>
        Write("ERR", exception is null ? message : message + ": " + exception);

    public void Dispose()
    {
        lock (_lock)
        {
            _writer?.Dispose();
        }
    }

    private void Write(string level, string message)
    {
        if (_writer is null)
        {
            return;
        }

        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} [{level}] {_redaction.Redact(message)}");
        lock (_lock)
        {
            try
            {
                _writer.WriteLine(line);
            }
            catch (IOException)
            {
                // A full disk must not take the lane (and with it the harness) down.
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }
}
