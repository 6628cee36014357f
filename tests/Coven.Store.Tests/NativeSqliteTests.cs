using System.Runtime.InteropServices;
using Coven.TestSupport;

namespace Coven.Store.Tests;

/// <summary>
/// Issue 14: a NativeAOT install loads SQLite from the file next to the program instead of probing every system library
/// folder first (<see cref="NativeSqlite"/>). This build's own copy of the library stands in for an install folder.
/// </summary>
public sealed class NativeSqliteTests
{
    [Fact]
    public void E_sqlite3_IsLoadedFromTheGivenFolder_AndAnythingElseIsLeftToTheDefaultProbing()
    {
        var library = Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64", "native", "libe_sqlite3.so");
        Assert.True(File.Exists(library), library);
        using var install = new TempDir("cvs-");
        using var empty = new TempDir("cvs-");
        File.Copy(library, install.Combine("libe_sqlite3.so"));

        var handle = NativeSqlite.Resolve("e_sqlite3", install.Path);
        Assert.NotEqual(IntPtr.Zero, handle);
        Assert.True(NativeLibrary.TryGetExport(handle, "sqlite3_libversion_number", out _), "not SQLite");

        // The library it loaded is the install folder's file, not one found elsewhere.
        Assert.Contains(install.Combine("libe_sqlite3.so"), File.ReadAllText("/proc/self/maps"), StringComparison.Ordinal);

        Assert.Equal(IntPtr.Zero, NativeSqlite.Resolve("e_sqlite3", empty.Path));
        Assert.Equal(IntPtr.Zero, NativeSqlite.Resolve("libc", install.Path));
        NativeLibrary.Free(handle);
    }
}
