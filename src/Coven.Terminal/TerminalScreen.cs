using System.Text;

namespace Coven.Terminal;

/// <summary>
/// Screen model and VT parser: feed it the bytes a program writes to its terminal and read back
/// what a person would see. Not thread-safe: one owner feeds it and reads it.
/// </summary>
/// <remarks>
/// <see cref="Feed"/> accepts any byte sequence and never throws; UTF-8 and escape-sequence state
/// carry over between calls, so data may be split anywhere.
/// </remarks>
public sealed partial class TerminalScreen
{
    private const int MinSize = 1;

    // Sizes come from API requests; the bound keeps two cell buffers at ~25 MB at worst.
    private const int MaxColumns = 1024;
    private const int MaxRows = 512;

    private readonly Scrollback _scrollback;
    private readonly CombiningMarks _marks;
    private ScreenBuffer _main;
    private ScreenBuffer _alt;
    private ScreenBuffer _buffer;
    private bool[] _tabStops;

    private int _row;
    private int _column;

    // Set after printing into the last column: the next printable wraps first (xterm semantics).
    private bool _pendingWrap;
    private CellStyle _style;
    private int _scrollTop;
    private int _scrollBottom;
    private bool _originMode;
    private bool _autoWrap = true;
    private bool _insertMode;
    private bool _applicationCursorKeys;
    private Charset _g0;
    private Charset _g1;
    private int _activeSet;
    private int _lastPrinted = -1;
    private SavedCursor _savedMain;
    private SavedCursor _savedAlt;

    /// <summary>Creates a blank screen.</summary>
    /// <param name="columns">Width in cells (clamped to 1..1024).</param>
    /// <param name="rows">Height in cells (clamped to 1..512).</param>
    /// <param name="scrollbackLines">How many lines that scroll off the main screen are kept.</param>
    public TerminalScreen(int columns, int rows, int scrollbackLines = 1000)
        : this(columns, rows, scrollbackLines, CombiningMarks.DefaultCapacity)
    {
    }

    /// <summary>Creates a blank screen with a given bound on distinct combining-mark sequences (tests use a small one).</summary>
    internal TerminalScreen(int columns, int rows, int scrollbackLines, int combiningCapacity)
    {
        _marks = new CombiningMarks(combiningCapacity);
        Columns = Math.Clamp(columns, MinSize, MaxColumns);
        Rows = Math.Clamp(rows, MinSize, MaxRows);
        _scrollback = new Scrollback(scrollbackLines, _marks);
        _main = new ScreenBuffer(Columns, Rows);
        _alt = new ScreenBuffer(Columns, Rows);
        _buffer = _main;
        _tabStops = NewTabStops(Columns, null);
        _scrollBottom = Rows - 1;
    }

    /// <summary>Width in cells.</summary>
    public int Columns { get; private set; }

    /// <summary>Height in cells.</summary>
    public int Rows { get; private set; }

    /// <summary>0-based cursor row on the visible screen.</summary>
    public int CursorRow => _row;

    /// <summary>0-based cursor column (stays on the last column while a wrap is pending).</summary>
    public int CursorColumn => _column;

    /// <summary>DECTCEM (mode 25).</summary>
    public bool CursorVisible { get; private set; } = true;

    /// <summary>True while the alternate screen (modes 47/1047/1049) is shown.</summary>
    public bool AltScreen { get; private set; }

    /// <summary>Window title set by OSC 0 or OSC 2.</summary>
    public string Title { get; private set; } = string.Empty;

    /// <summary>Bracketed paste mode (2004): the program wants pasted text wrapped in ESC[200~ / ESC[201~.</summary>
    public bool BracketedPaste { get; private set; }

    /// <summary>Lines that scrolled off the top of the main screen, oldest first, trailing spaces trimmed.</summary>
    public IReadOnlyList<string> ScrollbackLines => _scrollback.Lines();

    /// <summary>Number of lines currently held in scrollback.</summary>
    public int ScrollbackCount => _scrollback.Count;

    /// <summary>The cursor row as a CPR (ESC[6n) reports it: 1-based, relative to the scroll region in origin mode.</summary>
    internal int ReportedCursorRow => (_originMode ? _row - _scrollTop : _row) + 1;

    internal int ReportedCursorColumn => _column + 1;

    internal Scrollback ScrollbackStore => _scrollback;

    internal Cell CellAt(int row, int column) => _buffer.At(row, column);

    /// <summary>The combining marks of the cell at (row, column) on the visible screen; null when it has none.</summary>
    internal string? MarksAt(int row, int column) => _marks.Text(_buffer.At(row, column).Combining);

    internal CombiningMarks Marks => _marks;

    internal bool IsRowWrapped(int row) => _buffer.IsWrapped(row);

    /// <summary>Returns the rendered visible screen.</summary>
    public ScreenSnapshot Snapshot()
    {
        var lines = new string[Rows];
        var sb = new StringBuilder(Columns);
        for (int r = 0; r < Rows; r++)
        {
            sb.Clear();
            TextRender.AppendText(sb, _buffer.Row(r), _marks);
            lines[r] = sb.ToString();
        }

        return new ScreenSnapshot(Columns, Rows, _row, _column, CursorVisible, AltScreen, Title, lines);
    }

    /// <summary>
    /// Renders the visible screen with SGR colours and attributes: starts with <c>ESC[0m</c>, every style
    /// change is a full <c>ESC[0;...m</c>, rows are separated by CR LF and end with the default style.
    /// </summary>
    public string RenderAnsi()
    {
        var sb = new StringBuilder(Columns * Rows);
        sb.Append("\e[0m");
        for (int r = 0; r < Rows; r++)
        {
            if (r > 0)
            {
                sb.Append("\r\n");
            }

            TextRender.AppendAnsi(sb, _buffer.Row(r), _marks);
        }

        return sb.ToString();
    }

    /// <summary>
    /// What puts a blank terminal of this size into this screen's state: the visible cells with their colours, the
    /// cursor, the modes and the pen (see <see cref="TerminalRestore.Build"/>). Does not switch screens: the caller
    /// decides which screen of the other terminal it paints.
    /// </summary>
    public string RenderRestore() => TerminalRestore.Build(RenderAnsi(), _row, _column, Title, Modes);

    /// <summary>
    /// Changes the size (clamped like the constructor's). Content stays anchored top-left (no reflow);
    /// the cursor is clamped and the scroll region reset.
    /// </summary>
    public void Resize(int columns, int rows)
    {
        columns = Math.Clamp(columns, MinSize, MaxColumns);
        rows = Math.Clamp(rows, MinSize, MaxRows);
        if (columns == Columns && rows == Rows)
        {
            return;
        }

        var main = new ScreenBuffer(columns, rows);
        main.CopyFrom(_main);
        var alt = new ScreenBuffer(columns, rows);
        alt.CopyFrom(_alt);
        _main = main;
        _alt = alt;
        _buffer = AltScreen ? _alt : _main;
        _tabStops = NewTabStops(columns, _tabStops);
        Columns = columns;
        Rows = rows;
        _scrollTop = 0;
        _scrollBottom = rows - 1;
        _row = Math.Min(_row, rows - 1);
        _column = Math.Min(_column, columns - 1);
        _pendingWrap = false;
        ClampSaved(ref _savedMain);
        ClampSaved(ref _savedAlt);
    }

    /// <summary>DECRPM state of a mode: 1 set, 2 reset, 0 unknown.</summary>
    internal int ModeState(int mode, bool decPrivate)
    {
        if (!decPrivate)
        {
            return mode switch
            {
                4 => _insertMode ? 1 : 2,
                _ => 0,
            };
        }

        return mode switch
        {
            1 => _applicationCursorKeys ? 1 : 2,
            6 => _originMode ? 1 : 2,
            7 => _autoWrap ? 1 : 2,
            25 => CursorVisible ? 1 : 2,
            47 or 1047 or 1049 => AltScreen ? 1 : 2,
            2004 => BracketedPaste ? 1 : 2,
            9 or 1000 or 1002 or 1003 => _mouseTracking == mode ? 1 : 2,
            1005 or 1006 or 1015 => _mouseEncoding == mode ? 1 : 2,
            1004 => _focusEvents ? 1 : 2,
            66 => _applicationKeypad ? 1 : 2,

            // Synchronized output: recognised, never "on" from the model's point of view.
            2026 => 2,
            _ => 0,
        };
    }

    private static bool[] NewTabStops(int columns, bool[]? old)
    {
        var stops = new bool[columns];
        for (int c = 0; c < columns; c++)
        {
            stops[c] = old is not null && c < old.Length ? old[c] : c % 8 == 0 && c > 0;
        }

        return stops;
    }

    private void ClampSaved(ref SavedCursor saved)
    {
        saved.Row = Math.Min(saved.Row, Rows - 1);
        saved.Column = Math.Min(saved.Column, Columns - 1);
        saved.PendingWrap = false;
    }
}
