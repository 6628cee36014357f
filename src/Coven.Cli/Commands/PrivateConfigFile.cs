namespace Coven.Cli.Commands;

/// <summary>
/// A settings file in COVEN_HOME that the CLI rewrites whole (harnesses.json, notify.json): under a lock
/// (<c>FILE.lock</c>), written to a temporary file with mode 0600, validated, and renamed over the old one, so a reader
/// (the daemon) never sees half a file.
/// </summary>
internal static class PrivateConfigFile
{
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>; <paramref name="validate"/> sees the temporary file first and throws to refuse it.</summary>
    public static void Write(string path, string text, Action<string> validate)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Flush();
            stream.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        try
        {
            validate(temp);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>An exclusive lock file (.NET takes flock for FileShare.None), waited for up to 5 s.</summary>
    public static FileStream Lock(string lockPath)
    {
        var deadline = DateTime.UtcNow + s_lockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(lockPath, new FileStreamOptions
                {
                    Mode = FileMode.OpenOrCreate,
                    Access = FileAccess.ReadWrite,
                    Share = FileShare.None,
                    UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                });
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }
}
