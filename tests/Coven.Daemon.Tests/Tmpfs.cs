namespace Coven.Daemon.Tests;

/// <summary>A real tmpfs (the tests run as root, as CI does; a test that cannot mount fails instead of skipping).</summary>
internal sealed class Tmpfs : IDisposable
{
    private readonly string _path;

    private Tmpfs(string path) => _path = path;

    public static Tmpfs Mount(string path, string size)
    {
        Directory.CreateDirectory(path);
        var (code, output) = ProcessTools.RunAsync("/usr/bin/mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", path).GetAwaiter().GetResult();
        Assert.True(code == 0, $"cannot mount a tmpfs on {path} (these tests need root): {output}");
        return new Tmpfs(path);
    }

    /// <summary>A tmpfs of <paramref name="size"/> as the home's COVEN_HOME, with the echo harness and project the mount hid.</summary>
    public static Tmpfs MountHome(DaemonHome home, string size)
    {
        var mount = Mount(home.Home, size);
        Directory.CreateDirectory(home.Harness.BinDir);
        home.Harness.WriteEcho("codex");
        Directory.CreateDirectory(home.Project);
        return mount;
    }

    /// <summary>Writes <paramref name="path"/> until the file system is full.</summary>
    public static void Fill(string path)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                file.Write(block);
            }
        }
        catch (IOException)
        {
        }

        // Blocks smaller than 64 KiB may still be free.
        try
        {
            while (true)
            {
                file.Write(block, 0, 512);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Stops the home's daemons and lanes while their store is still visible, then unmounts.</summary>
    public static async Task DisposeHomeAsync(DaemonHome home, Tmpfs mount)
    {
        await home.DisposeAsync();
        mount.Dispose();
        if (Directory.Exists(home.Home))
        {
            Directory.Delete(home.Home, recursive: true);
        }
    }

    public void Dispose()
    {
        // Lazy: a daemon or lane that still holds a file open must not keep the test's temp dir mounted.
        _ = ProcessTools.RunAsync("/usr/bin/umount", "-l", _path).GetAwaiter().GetResult();
    }
}
