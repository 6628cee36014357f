using System.Text;

namespace Coven.Terminal;

/// <summary>Renders a recorded byte stream as the text a person would have seen (for <c>coven logs</c>).</summary>
public static class TranscriptRenderer
{
    /// <summary>
    /// Feeds <paramref name="data"/> to a screen of the given size and returns every line that scrolled
    /// off the main screen followed by the final visible screen, one line per <c>\n</c>, trailing spaces
    /// and trailing blank lines removed. Full-screen programs on the alternate screen contribute only
    /// what is visible at the end.
    /// </summary>
    public static string Render(ReadOnlySpan<byte> data, int columns = 120, int rows = 40)
    {
        var lines = new List<string>();

        // History goes to the sink as it scrolls, so an arbitrarily long transcript keeps no cells around.
        var screen = new TerminalScreen(columns, rows, scrollbackLines: 0);
        screen.ScrollbackStore.Sink = lines.Add;
        screen.Feed(data);
        lines.AddRange(screen.Snapshot().Lines);

        int count = lines.Count;
        while (count > 0 && lines[count - 1].Length == 0)
        {
            count--;
        }

        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            sb.Append(lines[i]).Append('\n');
        }

        return sb.ToString();
    }
}
