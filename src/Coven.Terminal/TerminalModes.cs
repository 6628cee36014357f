namespace Coven.Terminal;

/// <summary>
/// The terminal state a program has set up beyond the cells: input modes (keys, mouse, paste, focus), the cursor's
/// look, margins and the current pen. Enough to put a second terminal into the same state
/// (<see cref="TerminalRestore"/>). Plain values so that it serialises as a JSON object as it is.
/// </summary>
public sealed record TerminalModes
{
    /// <summary>DECCKM (mode 1): cursor keys send <c>ESC O A</c> instead of <c>ESC [ A</c>.</summary>
    public bool ApplicationCursorKeys { get; init; }

    /// <summary>DECKPAM (<c>ESC =</c>) rather than DECKPNM (<c>ESC &gt;</c>, the default).</summary>
    public bool ApplicationKeypad { get; init; }

    /// <summary>DECAWM (mode 7), on by default.</summary>
    public bool AutoWrap { get; init; } = true;

    /// <summary>DECOM (mode 6): cursor addressing relative to the scroll region.</summary>
    public bool OriginMode { get; init; }

    /// <summary>IRM (ANSI mode 4).</summary>
    public bool InsertMode { get; init; }

    /// <summary>DECTCEM (mode 25).</summary>
    public bool CursorVisible { get; init; } = true;

    /// <summary>DECSCUSR <c>CSI n SP q</c>: 0 the terminal's default, 1/2 block, 3/4 underline, 5/6 bar (odd blink).</summary>
    public int CursorStyle { get; init; }

    /// <summary>Top row of the scroll region (DECSTBM), 0-based.</summary>
    public int ScrollTop { get; init; }

    /// <summary>Bottom row of the scroll region, 0-based and inclusive (rows − 1 without a region).</summary>
    public int ScrollBottom { get; init; }

    /// <summary>The mouse tracking mode in force: 0 none, 9 (X10), 1000 (clicks), 1002 (drags), 1003 (all motion).</summary>
    public int MouseTracking { get; init; }

    /// <summary>The mouse report encoding: 0 the X10 default, 1005 (UTF-8), 1006 (SGR), 1015 (urxvt).</summary>
    public int MouseEncoding { get; init; }

    /// <summary>Focus in/out reports (mode 1004).</summary>
    public bool FocusEvents { get; init; }

    /// <summary>Bracketed paste (mode 2004).</summary>
    public bool BracketedPaste { get; init; }

    /// <summary>
    /// The kitty keyboard protocol flags of the current screen (<c>CSI &gt; flags u</c> pushes, <c>CSI &lt; n u</c>
    /// pops, <c>CSI = flags ; mode u</c> changes the top). The first entry is the screen's base, the rest were pushed,
    /// oldest first; the last entry is in force.
    /// </summary>
    public IReadOnlyList<int> KittyKeyboard { get; init; } = [0];

    /// <summary>xterm modifyOtherKeys level (<c>CSI &gt; 4 ; n m</c>): 0, 1 or 2.</summary>
    public int ModifyOtherKeys { get; init; }

    /// <summary>The current pen as SGR parameters (<c>0</c> for the default, e.g. <c>0;1;38;5;208</c>).</summary>
    public string Pen { get; init; } = "0";

    /// <summary>Value equality, the kitty stack compared element by element.</summary>
    public bool Equals(TerminalModes? other) =>
        other is not null
        && (ApplicationCursorKeys, ApplicationKeypad, AutoWrap, OriginMode, InsertMode, CursorVisible, CursorStyle)
            == (other.ApplicationCursorKeys, other.ApplicationKeypad, other.AutoWrap, other.OriginMode, other.InsertMode, other.CursorVisible, other.CursorStyle)
        && (ScrollTop, ScrollBottom, MouseTracking, MouseEncoding, FocusEvents, BracketedPaste, ModifyOtherKeys, Pen)
            == (other.ScrollTop, other.ScrollBottom, other.MouseTracking, other.MouseEncoding, other.FocusEvents, other.BracketedPaste, other.ModifyOtherKeys, other.Pen)
        && KittyKeyboard.SequenceEqual(other.KittyKeyboard);

    public override int GetHashCode() => HashCode.Combine(MouseTracking, MouseEncoding, ScrollTop, ScrollBottom, Pen, KittyKeyboard.Count);
}
