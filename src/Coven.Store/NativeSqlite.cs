using System.Runtime.InteropServices;

namespace Coven.Store;

/// <summary>
/// Where SQLite's native library is loaded from. The runtime's default probing for <c>e_sqlite3</c> tries the
/// program's folder, then asks the dynamic loader for <c>e_sqlite3.so</c> (some 40 failed opens through every system
/// library folder) before it tries <c>libe_sqlite3.so</c> next to the program, which is where a NativeAOT install puts
/// it: once for every lane and daemon start. This loads that file directly when it is there, and otherwise leaves the
/// default probing (a JIT build's <c>runtimes/&lt;rid&gt;/native</c>) alone.
/// </summary>
internal static class NativeSqlite
{
    private static int s_registered;

    public static void UseInstalledLibrary()
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0)
        {
            return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, static (name, _, _) => Resolve(name, AppContext.BaseDirectory));
        }
        catch (InvalidOperationException)
        {
            // Someone set a resolver for that assembly already: theirs decides.
        }
    }

    /// <summary><paramref name="directory"/>/libe_sqlite3.so loaded for <c>e_sqlite3</c>; zero (the default probing) otherwise.</summary>
    internal static IntPtr Resolve(string libraryName, string directory) =>
        libraryName == "e_sqlite3" && NativeLibrary.TryLoad(Path.Combine(directory, "libe_sqlite3.so"), out var handle) ? handle : IntPtr.Zero;
}
