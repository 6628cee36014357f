namespace Coven.Terminal.Tests.Screen;

public sealed class SaveRestoreTests
{
    [Theory]
    [InlineData("\e7", "\e8")]
    [InlineData("\e[s", "\e[u")]
    public void SaveRestore_Cursor_ReturnsToSavedPositionAndStyle(string save, string restore)
    {
        var s = Vt.Screen($"\e[2;3H\e[31m{save}\e[0m\e[5;9Hzz{restore}X", columns: 10, rows: 5);
        Assert.Equal((1, 3), s.Cursor());
        Assert.Contains("\e[0;31mX", s.RenderAnsi(), StringComparison.Ordinal);
    }

    [Fact]
    public void Restore_WithoutSave_HomesCursor()
    {
        var s = Vt.Screen("\e[3;3H\e8", columns: 10, rows: 5);
        Assert.Equal((0, 0), s.Cursor());
    }

    [Fact]
    public void SaveRestore_PendingWrap_IsPreserved()
    {
        var s = Vt.Screen("abcde\e7\e[H\e8f", columns: 5, rows: 3);
        Assert.Equal(["abcde", "f", ""], s.Snapshot().Lines);
    }

    [Fact]
    public void SaveRestore_Charset_IsPreserved()
    {
        var s = Vt.Screen("\e(0\e7\e(Bq\e8q", columns: 5, rows: 1);
        Assert.Equal("─", s.Line(0));
    }

    [Fact]
    public void Restore_AfterAutowrapChange_KeepsCurrentAutowrap()
    {
        var s = Vt.Screen("\e7\e[?7l\e8abcdefg", columns: 5, rows: 2);
        Assert.Equal(["abcdg", ""], s.Snapshot().Lines);
    }
}
