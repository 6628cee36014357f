namespace Coven.TestSupport;

/// <summary>
/// A short temporary directory under /tmp (Unix socket paths are limited to 108 bytes, so test homes
/// stay short: /tmp/cvn-xxxxxxxx). Deleted on dispose.
/// </summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "cvn-")
    {
        Path = System.IO.Path.Combine("/tmp", prefix + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
