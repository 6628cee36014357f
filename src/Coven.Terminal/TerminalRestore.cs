using System.Globalization;
using System.Text;

namespace Coven.Terminal;

/// <summary>
/// Escape sequences that bring a terminal into a screen's state and back to the defaults: what <c>coven attach</c>
/// writes to the user's terminal on attach and on detach (as tmux does when a client attaches and detaches).
/// </summary>
public static class TerminalRestore
{
    /// <summary>
    /// Everything a program may have switched on, switched off again, as tmux's detach does (tty_stop_tty): kitty
    /// keyboard entries popped, modifyOtherKeys reset, cursor keys and keypad normal, mouse tracking and its
    /// encodings, focus events and bracketed paste off, insert and origin mode off, autowrap on, full-screen scroll
    /// region, default cursor shape, cursor visible, default pen. Leaves the screen's cells and which screen is
    /// shown alone.
    /// </summary>
    /// <param name="kittyPops">Kitty keyboard entries pushed on this terminal (by <see cref="Build"/> or the program).</param>
    public static string Reset(int kittyPops)
    {
        var sb = new StringBuilder(160);
        if (kittyPops > 0)
        {
            sb.Append("\e[<").Append(kittyPops.ToString(CultureInfo.InvariantCulture)).Append('u');
        }

        sb.Append("\e[>4m\e[?1l\e>");
        sb.Append("\e[?9l\e[?1000l\e[?1002l\e[?1003l\e[?1005l\e[?1006l\e[?1015l");
        sb.Append("\e[?1004l\e[?2004l");
        sb.Append("\e[4l\e[?6l\e[?7h\e[r");
        sb.Append("\e[0 q\e[?25h\e[0m");
        return sb.ToString();
    }

    /// <summary>
    /// Paints a screen on a terminal of the same size and sets up its modes: the rows of <paramref name="ansi"/>
    /// (<see cref="TerminalScreen.RenderAnsi"/>: rows separated by CR LF) each at its own row, then the scroll
    /// region, origin mode, autowrap and insert mode, the cursor at (<paramref name="row"/>, <paramref name="column"/>),
    /// the input modes, kitty keyboard entries pushed, modifyOtherKeys,
    /// cursor shape and visibility, the title and finally the pen.
    /// </summary>
    /// <returns>The sequence; it pushes <see cref="KittyPushes"/> kitty keyboard entries.</returns>
    public static string Build(string ansi, int row, int column, string? title, TerminalModes modes)
    {
        var sb = new StringBuilder(ansi.Length + 256);
        sb.Append("\e[0m\e[4l\e[?6l\e[?7h\e[r\e[H\e[2J");
        var lines = ansi.Split("\r\n");
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length > 0 && lines[i] != "\e[0m")
            {
                sb.Append("\e[").Append(i + 1).Append(";1H").Append(lines[i]);
            }
        }

        sb.Append("\e[0m");
        if (modes.ScrollTop > 0 || modes.ScrollBottom < lines.Length - 1)
        {
            sb.Append("\e[").Append(modes.ScrollTop + 1).Append(';').Append(modes.ScrollBottom + 1).Append('r');
        }

        if (modes.OriginMode)
        {
            sb.Append("\e[?6h");
        }

        if (!modes.AutoWrap)
        {
            sb.Append("\e[?7l");
        }

        if (modes.InsertMode)
        {
            sb.Append("\e[4h");
        }

        var cursorRow = modes.OriginMode ? row - modes.ScrollTop : row;
        sb.Append("\e[").Append(cursorRow + 1).Append(';').Append(column + 1).Append('H');

        sb.Append(modes.ApplicationCursorKeys ? "\e[?1h" : "\e[?1l");
        sb.Append(modes.ApplicationKeypad ? "\e=" : "\e>");
        AppendDecSet(sb, modes.MouseTracking is 9 or 1000 or 1002 or 1003 ? modes.MouseTracking : 0);
        AppendDecSet(sb, modes.MouseEncoding is 1005 or 1006 or 1015 ? modes.MouseEncoding : 0);
        AppendDecSet(sb, modes.FocusEvents ? 1004 : 0);
        AppendDecSet(sb, modes.BracketedPaste ? 2004 : 0);
        foreach (var flags in KittyEntries(modes))
        {
            sb.Append("\e[>").Append(flags).Append('u');
        }

        if (modes.ModifyOtherKeys is 1 or 2)
        {
            sb.Append("\e[>4;").Append(modes.ModifyOtherKeys).Append('m');
        }

        if (modes.CursorStyle is > 0 and <= 6)
        {
            sb.Append("\e[").Append(modes.CursorStyle).Append(" q");
        }

        sb.Append(modes.CursorVisible ? "\e[?25h" : "\e[?25l");
        if (!string.IsNullOrEmpty(title))
        {
            sb.Append("\e]2;");
            foreach (var c in title)
            {
                // A title is text: control characters would end or escape the OSC string.
                sb.Append(char.IsControl(c) ? ' ' : c);
            }

            sb.Append('\a');
        }

        if (modes.Pen != "0" && IsSgrParameters(modes.Pen))
        {
            sb.Append("\e[").Append(modes.Pen).Append('m');
        }

        return sb.ToString();
    }

    /// <summary>How many kitty keyboard entries <see cref="Build"/> pushes for <paramref name="modes"/>.</summary>
    public static int KittyPushes(TerminalModes modes) => KittyEntries(modes).Count();

    // Every pushed entry (zero too: it may hide a nonzero one below), the base only when it is not zero; five flag
    // bits are defined and the entries come from a daemon's answer, so other values are masked.
    private static IEnumerable<int> KittyEntries(TerminalModes modes) =>
        modes.KittyKeyboard.Select((flags, i) => (Flags: flags & 31, Base: i == 0)).Where(e => !e.Base || e.Flags != 0).Select(e => e.Flags);

    private static void AppendDecSet(StringBuilder sb, int mode)
    {
        if (mode > 0)
        {
            sb.Append("\e[?").Append(mode).Append('h');
        }
    }

    // The pen comes from a daemon's answer: only digits and separators go into the sequence.
    private static bool IsSgrParameters(string pen) => pen.Length < 64 && pen.All(c => c is (>= '0' and <= '9') or ';' or ':');
}
