using System.Security.Cryptography;
using Coven.Core;

namespace Coven.Daemon.Tests;

/// <summary>Issue 12 item 7: covend refuses a store it cannot use with one line and exit 65, and leaves the file alone.</summary>
public sealed class BadStoreTests
{
    public static TheoryData<string> Cases => ["random", "text", "truncated", "corrupt-pages", "foreign-schema", "version-999", "directory"];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadStore_ExitsWithStoreUnusable_OneLineReason_FileUntouched(string kind)
    {
        await using var home = new DaemonHome();
        var db = Path.Combine(home.Home, "coven.db");
        var expected = Make(kind, db, home.Home);
        var before = Fingerprint(db);

        var daemon = await home.StartAsync(waitUntilReady: false, captureOutput: true);
        var stderr = daemon.Process.StandardError.ReadToEndAsync();
        var code = await daemon.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var lines = (await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(DaemonExitCodes.StoreUnusable, code);
        Assert.True(lines.Length == 1, "expected one line on stderr, got: " + string.Join(" | ", lines));
        Assert.Contains("is unusable: " + expected, lines[0], StringComparison.Ordinal);
        Assert.Equal(before, Fingerprint(db));
        Assert.False(File.Exists(db + "-wal"), "a WAL file was created next to the bad store");
        Assert.False(File.Exists(db + "-shm"), "a -shm file was created next to the bad store");
        Assert.False(File.Exists(Path.Combine(home.Home, "coven.sock")), "covend listened on a bad store");
    }

    /// <summary>Writes the bad store; returns the start of the reason covend must give.</summary>
    internal static string Make(string kind, string db, string home)
    {
        switch (kind)
        {
            case "random":
                File.WriteAllBytes(db, RandomNumberGenerator.GetBytes(64 * 1024));
                return "it is not a SQLite database";
            case "text":
                File.WriteAllText(db, "these are my notes, not a database\n");
                return "it is not a SQLite database";
            case "directory":
                Directory.CreateDirectory(db);
                return "it is a directory";
            case "foreign-schema":
                SqliteTools.Execute(db, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);");
                return "it is a foreign SQLite database";
            case "version-999":
                RealStore(home);
                SqliteTools.Execute(db, "PRAGMA user_version = 999;");
                return "its schema version 999 is newer";
            case "truncated":
                RealStore(home);
                using (var f = new FileStream(db, FileMode.Open))
                {
                    f.SetLength(f.Length / 2 + 100);
                }

                return "it is truncated";
            case "corrupt-pages":
                RealStore(home);
                {
                    // Keep the header and the schema (which no longer fits in page 1), overwrite the pages that hold the
                    // schedules' rows (found by their filler text) with garbage.
                    var bytes = File.ReadAllBytes(db);
                    var pageSize = (bytes[16] << 8) | bytes[17];
                    var filler = System.Text.Encoding.ASCII.GetBytes(new string('x', 64));
                    var overwritten = 0;
                    for (var at = pageSize; at + pageSize <= bytes.Length; at += pageSize)
                    {
                        if (bytes.AsSpan(at, pageSize).IndexOf(filler) >= 0)
                        {
                            RandomNumberGenerator.Fill(bytes.AsSpan(at, pageSize));
                            overwritten++;
                        }
                    }

                    Assert.True(overwritten > 10, $"only {overwritten} pages of rows found");
                    File.WriteAllBytes(db, bytes);
                }

                return "it is corrupt";
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>A real Coven store with some rows, checkpointed into the main file (no -wal left).</summary>
    private static void RealStore(string home)
    {
        var db = Path.Combine(home, "coven.db");
        using (var store = new Store.CovenStore(db))
        {
            store.Migrate();
        }

        SqliteTools.Execute(db, string.Concat(Enumerable.Range(0, 400).Select(i => $"INSERT INTO ritual_schedules (id, ritual, selector_json, created_at) VALUES ('s{i}', 'archive', '{{\"note\":\"{new string('x', 200)}\"}}', 'now');")) + "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;");
        File.Delete(db + "-wal");
        File.Delete(db + "-shm");
    }

    private static string Fingerprint(string path) =>
        Directory.Exists(path) ? "dir:" + string.Join(",", Directory.EnumerateFileSystemEntries(path)) : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}
