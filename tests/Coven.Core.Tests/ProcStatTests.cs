using System.Diagnostics;

namespace Coven.Core.Tests;

public sealed class ProcStatTests
{
    [Fact]
    public void TryRead_ChildWithParenthesesInName_ParsesParentGroupAndStart()
    {
        // A command name with spaces and ')' is the case that breaks naive splitting of /proc/<pid>/stat.
        var dir = Path.Combine("/tmp", "cvn-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var odd = Path.Combine(dir, "a) b (c");
        File.CreateSymbolicLink(odd, "/bin/sleep");
        using var child = Process.Start(new ProcessStartInfo(odd, "30") { UseShellExecute = false })!;
        try
        {
            Assert.True(ProcStat.TryRead(child.Id, out var stat));
            Assert.Equal(Environment.ProcessId, stat.ParentPid);
            Assert.True(stat.ProcessGroup > 0);
            Assert.True(stat.StartTime > 0);
            Assert.False(stat.IsDead);
            Assert.True(ProcessIdentity.TryRead(child.Id, out var identity));
            Assert.True(identity.IsAlive());
            Assert.False((identity with { StartTime = identity.StartTime + 1 }).IsAlive());
        }
        finally
        {
            child.Kill();
            child.WaitForExit();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TryRead_NoSuchPid_IsFalse()
    {
        Assert.False(ProcStat.TryRead(int.MaxValue, out _));
        Assert.False(ProcStat.TryRead(0, out _));
        Assert.False(ProcessIdentity.TryRead(-1, out _));
    }
}
