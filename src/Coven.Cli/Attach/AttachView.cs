using System.Text;
using Coven.Core.Api;
using Coven.Terminal;

namespace Coven.Cli.Attach;

/// <summary>
/// The user's terminal while attached, run the way tmux runs a client's terminal: the attachment lives on the
/// terminal's alternate screen (so the user's own screen is back untouched on detach), the session's screen is
/// painted with its colours, cursor and modes (<see cref="TerminalRestore"/>), and on the way out every mode is
/// switched off again. Output is relayed as it is except the program's own screen switches (modes 47/1047/1049) and
/// RIS, which would take the user's terminal off the alternate screen: those are fed to a model of the program's
/// terminal and replaced by a repaint of the screen the program switched to. Thread-safe.
/// </summary>
internal sealed class AttachView
{
    // Longest escape sequence held back across output chunks while waiting for its end; longer ones pass as they are.
    private const int MaxHeldSequence = 128;

    private readonly Lock _lock = new();
    private readonly TerminalScreen _program;
    private readonly List<byte> _held = [];

    // Kitty keyboard entries pushed on the user's terminal since attach (by a repaint or by the program), popped on the way out.
    private int _kittyDepth;
    private bool _started;

    private AttachView(TerminalScreen program) => _program = program;

    /// <summary>The view of a session's screen; <paramref name="screen"/> null paints a blank screen of the given size.</summary>
    public static (AttachView View, byte[] Start) Start(ScreenDto? screen, int cols, int rows)
    {
        var model = new TerminalScreen(screen?.Cols ?? cols, screen?.Rows ?? rows, scrollbackLines: 0);
        var view = new AttachView(model);
        var start = new StringBuilder();

        // Alternate screen, then the title stack pushed: the program may set a title, the user's comes back on detach.
        start.Append("\e[?1049h\e[22;0t");
        string paint;
        if (screen is null)
        {
            paint = model.RenderRestore();
        }
        else
        {
            if (screen.AltScreen)
            {
                model.Feed("\e[?1049h"u8);
            }

            var modes = screen.Modes ?? new TerminalModes
            {
                BracketedPaste = screen.BracketedPaste,
                CursorVisible = screen.Cursor.Visible,
                ScrollBottom = screen.Rows - 1,
            };
            paint = TerminalRestore.Build(screen.Ansi ?? string.Join("\r\n", screen.Lines), screen.Cursor.Row, screen.Cursor.Col, screen.Title, modes);
            model.Feed(Encoding.UTF8.GetBytes(paint));
            view._kittyDepth = TerminalRestore.KittyPushes(modes);
        }

        start.Append(paint);
        view._started = true;
        return (view, Encoding.UTF8.GetBytes(start.ToString()));
    }

    /// <summary>What to write to the user's terminal for a piece of the session's output.</summary>
    public byte[] Output(ReadOnlySpan<byte> data)
    {
        lock (_lock)
        {
            byte[] input;
            if (_held.Count > 0)
            {
                _held.AddRange(data);
                input = [.. _held];
                _held.Clear();
            }
            else
            {
                input = data.ToArray();
            }

            return Rewrite(input);
        }
    }

    /// <summary>The program's terminal took a new size (SIGWINCH relayed): the model follows, the program redraws.</summary>
    public void Resize(int cols, int rows)
    {
        lock (_lock)
        {
            _program.Resize(cols, rows);
        }
    }

    /// <summary>
    /// Leaves the user's terminal as it was before attach: every mode off, kitty entries popped (on the alternate
    /// screen, whose stack they are on), the alternate screen left and the title popped. Idempotent.
    /// </summary>
    public byte[] Stop()
    {
        lock (_lock)
        {
            if (!_started)
            {
                return [];
            }

            _started = false;
            var text = TerminalRestore.Reset(_kittyDepth) + "\e[?1049l\e[23;0t";
            _kittyDepth = 0;
            return Encoding.ASCII.GetBytes(text);
        }
    }

    /// <summary>The program's last main screen with its colours, blank rows at the end left out (printed when the session ends); empty on the alternate screen.</summary>
    public string FinalScreen()
    {
        lock (_lock)
        {
            if (_program.AltScreen)
            {
                return string.Empty;
            }

            var rows = _program.RenderAnsi().Split("\r\n").ToList();
            while (rows.Count > 0 && rows[^1] is "" or "\e[0m")
            {
                rows.RemoveAt(rows.Count - 1);
            }

            return rows.Count == 0 ? string.Empty : string.Join("\r\n", rows) + "\e[0m\r\n";
        }
    }

    private byte[] Rewrite(byte[] input)
    {
        var output = new List<byte>(input.Length + 16);
        var copied = 0;
        var fed = 0;
        var i = 0;
        while (i < input.Length)
        {
            if (input[i] != 0x1B)
            {
                i++;
                continue;
            }

            var length = SequenceLength(input, i);
            if (length == 0)
            {
                // Unfinished at the end of the chunk: hold it back until the rest arrives (bounded).
                if (input.Length - i <= MaxHeldSequence)
                {
                    break;
                }

                i++;
                continue;
            }

            var end = i + length;
            if (ScreenSwitch(input.AsSpan(i, length)) is { } replacement)
            {
                output.AddRange(input.AsSpan(copied, i - copied));
                output.AddRange(replacement);
                _program.Feed(input.AsSpan(fed, end - fed));
                fed = end;
                copied = end;

                // The user's terminal stays on its alternate screen: modes off (RIS may have reset some), then the screen
                // the program switched to painted with its modes.
                output.AddRange(Encoding.UTF8.GetBytes(TerminalRestore.Reset(_kittyDepth) + _program.RenderRestore()));
                _kittyDepth = TerminalRestore.KittyPushes(_program.Modes);
            }
            else
            {
                CountKittyPushes(input.AsSpan(i, length));
            }

            i = end;
        }

        output.AddRange(input.AsSpan(copied, i - copied));
        _program.Feed(input.AsSpan(fed, i - fed));
        _held.AddRange(input.AsSpan(i));
        return [.. output];
    }

    /// <summary>
    /// The length of the escape sequence at <paramref name="at"/> as far as this view cares (ESC x, or a whole CSI);
    /// 0 when it is not complete yet. Strings (OSC, DCS) end at their first ESC, so their bodies are never taken for a sequence.
    /// </summary>
    private static int SequenceLength(byte[] data, int at)
    {
        if (at + 1 >= data.Length)
        {
            return 0;
        }

        if (data[at + 1] == 0x1B)
        {
            return 1;
        }

        if (data[at + 1] != '[')
        {
            return 2;
        }

        for (var j = at + 2; j < data.Length; j++)
        {
            var b = data[j];
            if (b is >= 0x40 and <= 0x7E)
            {
                return j - at + 1;
            }

            if (b == 0x1B || b < 0x20 || j - at > MaxHeldSequence)
            {
                // Not a sequence to look at: leave it to the terminal.
                return j - at;
            }
        }

        return 0;
    }

    /// <summary>
    /// For a screen switch (DECSET/DECRST naming 47, 1047 or 1049, or RIS) what is written instead: the same sequence
    /// without those modes (possibly nothing); null for any other sequence.
    /// </summary>
    private static byte[]? ScreenSwitch(ReadOnlySpan<byte> seq)
    {
        if (seq.Length == 2 && seq[1] == 'c')
        {
            return [];
        }

        if (seq.Length < 5 || seq[2] != '?' || seq[^1] is not ((byte)'h' or (byte)'l'))
        {
            return null;
        }

        var parameters = Encoding.ASCII.GetString(seq[3..^1]).Split(';');
        if (!parameters.Any(p => p is "47" or "1047" or "1049"))
        {
            return null;
        }

        var others = parameters.Where(p => p is not ("47" or "1047" or "1049")).ToArray();
        return others.Length == 0 ? [] : Encoding.ASCII.GetBytes("\e[?" + string.Join(';', others) + (char)seq[^1]);
    }

    private void CountKittyPushes(ReadOnlySpan<byte> seq)
    {
        if (seq.Length < 4 || seq[^1] != 'u')
        {
            return;
        }

        if (seq[2] == '>')
        {
            _kittyDepth++;
        }
        else if (seq[2] == '<')
        {
            var n = int.TryParse(Encoding.ASCII.GetString(seq[3..^1]), out var count) && count > 0 ? count : 1;
            _kittyDepth = Math.Max(0, _kittyDepth - n);
        }
    }
}
