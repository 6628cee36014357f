using System.Text;

namespace Coven.Cli.Output;

/// <summary>
/// Turns a harness's terminal output into readable text for <c>coven logs</c>: removes control sequences
/// (CSI, OSC, DCS/SOS/PM/APC strings, two-byte escapes) and control characters, folds "\r\n" to "\n" and a
/// lone "\r" to a new line. Keeps its parser state between chunks, since a sequence may be split across
/// events. This is the one place to swap for a terminal-model renderer (Coven.Terminal) later.
/// </summary>
internal sealed class OutputRenderer
{
    private State _state = State.Text;
    private bool _pendingCr;

    private enum State
    {
        Text,
        Escape,
        EscapeIntermediate,
        Csi,
        String,
        StringEscape,
    }

    public string Render(string chunk)
    {
        var sb = new StringBuilder(chunk.Length);
        foreach (var c in chunk)
        {
            Step(c, sb);
        }

        return sb.ToString();
    }

    /// <summary>Text held back at the end of the output (a final lone "\r").</summary>
    public string Flush()
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            return "\n";
        }

        return string.Empty;
    }

    private void Step(char c, StringBuilder sb)
    {
        switch (_state)
        {
            case State.Text:
                Text(c, sb);
                break;
            case State.Escape:
                _state = c switch
                {
                    '[' => State.Csi,
                    ']' or 'P' or 'X' or '^' or '_' => State.String,
                    >= ' ' and <= '/' => State.EscapeIntermediate,
                    _ => State.Text,
                };
                break;
            case State.EscapeIntermediate:
                if (c is < ' ' or > '/')
                {
                    _state = State.Text;
                }

                break;
            case State.Csi:
                if (c is >= '@' and <= '~')
                {
                    _state = State.Text;
                }
                else if (c == '\e')
                {
                    _state = State.Escape;
                }

                break;
            case State.String:
                if (c == '\a')
                {
                    _state = State.Text;
                }
                else if (c == '\e')
                {
                    _state = State.StringEscape;
                }

                break;
            case State.StringEscape:
                _state = c == '\\' ? State.Text : State.String;
                break;
        }
    }

    private void Text(char c, StringBuilder sb)
    {
        if (_pendingCr)
        {
            if (c == '\r')
            {
                // "\r\r\n" is what a PTY makes of a program's own "\r\n" (ONLCR): one line end.
                return;
            }

            _pendingCr = false;
            sb.Append('\n');
            if (c == '\n')
            {
                return;
            }
        }

        switch (c)
        {
            case '\e':
                _state = State.Escape;
                break;
            case '\r':
                _pendingCr = true;
                break;
            case '\n' or '\t':
                sb.Append(c);
                break;
            case '\u009b':
                _state = State.Csi;
                break;
            case '\u009d' or '\u0090':
                _state = State.String;
                break;
            default:
                if (!char.IsControl(c))
                {
                    sb.Append(c);
                }

                break;
        }
    }
}
