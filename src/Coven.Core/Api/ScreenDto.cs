using System.Text.Json.Serialization;
using Coven.Terminal;

namespace Coven.Core.Api;

public sealed record ScreenCursorDto(int Row, int Col, bool Visible);

public sealed record ScreenDto
{
    public int Cols { get; init; }
    public int Rows { get; init; }
    public required ScreenCursorDto Cursor { get; init; }
    public bool AltScreen { get; init; }
    public string Title { get; init; } = string.Empty;
    public required IReadOnlyList<string> Lines { get; init; }

    // Additive fields (v1 allows additions).

    /// <summary>The program enabled bracketed paste (mode 2004): pasted text should be wrapped in ESC[200~ / ESC[201~.</summary>
    public bool BracketedPaste { get; init; }

    /// <summary>The screen with SGR colours (<c>?ansi=true</c> only): rows separated by CR LF.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Ansi { get; init; }

    /// <summary>
    /// The program's terminal modes (keys, mouse, paste, focus, kitty keyboard, cursor shape, margins, pen): what
    /// <c>coven attach</c> sets up on the user's terminal. Null from a lane that predates it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TerminalModes? Modes { get; init; }

    /// <summary>False when the screen was rendered from the recorded output of a session that has ended.</summary>
    public bool Live { get; init; } = true;

    /// <summary>The answer for a screen model's visible screen (with <see cref="Ansi"/> when <paramref name="ansi"/>).</summary>
    public static ScreenDto From(TerminalScreen screen, bool ansi, bool live)
    {
        var snapshot = screen.Snapshot();
        return new ScreenDto
        {
            Cols = snapshot.Columns,
            Rows = snapshot.Rows,
            Cursor = new ScreenCursorDto(snapshot.CursorRow, snapshot.CursorColumn, snapshot.CursorVisible),
            AltScreen = snapshot.AltScreen,
            Title = snapshot.Title,
            Lines = snapshot.Lines,
            BracketedPaste = screen.BracketedPaste,
            Ansi = ansi ? screen.RenderAnsi() : null,
            Modes = screen.Modes,
            Live = live,
        };
    }
}
