using System.Buffers;
using Coven.Pty;
using Coven.Terminal;

namespace Coven.Lane.Output;

/// <summary>
/// The screen model and query filter behind one lock: the PTY reader feeds it while control requests take
/// snapshots and resize it. Resizing the PTY happens under the same lock so no output is ever interpreted
/// with one size on the screen and another on the terminal.
/// </summary>
internal sealed class TerminalState
{
    private readonly Lock _lock = new();
    private readonly TerminalFilter _filter;
    private readonly ArrayBufferWriter<byte> _replies = new(256);

    public TerminalState(int columns, int rows, string version)
    {
        // No scrollback: the lane serves the visible screen only (history is the recorded output), and keeping
        // lines that scroll off copied a row per line feed on the PTY reader's path.
        _filter = new TerminalFilter(new TerminalScreen(columns, rows, scrollbackLines: 0), version);
    }

    /// <summary>Filters <paramref name="input"/>; returns the answers to write back to the PTY, or null.</summary>
    public byte[]? Process(ReadOnlySpan<byte> input, IBufferWriter<byte> recorded)
    {
        lock (_lock)
        {
            _replies.ResetWrittenCount();
            _filter.Process(input, recorded, _replies);
            return _replies.WrittenCount == 0 ? null : _replies.WrittenSpan.ToArray();
        }
    }

    public void Flush(IBufferWriter<byte> recorded)
    {
        lock (_lock)
        {
            _filter.Flush(recorded);
        }
    }

    public ScreenSnapshot Snapshot()
    {
        lock (_lock)
        {
            return _filter.Screen.Snapshot();
        }
    }

    /// <summary>The snapshot plus the modes and, when asked, the screen with SGR colours.</summary>
    public (ScreenSnapshot Snapshot, TerminalModes Modes, string? Ansi) Capture(bool ansi)
    {
        lock (_lock)
        {
            var screen = _filter.Screen;
            return (screen.Snapshot(), screen.Modes, ansi ? screen.RenderAnsi() : null);
        }
    }

    /// <summary>Applies a size to the PTY (SIGWINCH) and to the screen model together.</summary>
    public bool Resize(PtyProcess pty, int columns, int rows)
    {
        lock (_lock)
        {
            var applied = pty.Resize(columns, rows);
            _filter.Screen.Resize(columns, rows);
            return applied;
        }
    }
}
