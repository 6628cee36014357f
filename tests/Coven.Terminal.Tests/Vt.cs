using System.Text;

namespace Coven.Terminal.Tests;

/// <summary>Small helpers to drive a screen with strings.</summary>
internal static class Vt
{
    public static TerminalScreen Screen(string text, int columns = 20, int rows = 5, int scrollback = 1000)
    {
        var screen = new TerminalScreen(columns, rows, scrollback);
        screen.Feed(Encoding.UTF8.GetBytes(text));
        return screen;
    }

    public static void Write(this TerminalScreen screen, string text) => screen.Feed(Encoding.UTF8.GetBytes(text));

    public static string Line(this TerminalScreen screen, int row) => screen.Snapshot().Lines[row];

    public static string Text(this TerminalScreen screen) => string.Join("\n", screen.Snapshot().Lines);

    public static (int Row, int Column) Cursor(this TerminalScreen screen) => (screen.CursorRow, screen.CursorColumn);
}
