using System.Buffers;
using System.Text;

namespace Coven.Terminal;

// The byte-level VT500 state machine and UTF-8 decoding.
public sealed partial class TerminalScreen
{
    private const int MaxParams = 32;
    private const int MaxParamValue = 65535;

    // Endless OSC strings must not grow memory; the rest of an oversized string is ignored.
    private const int MaxOscLength = 4096;
    private const int Replacement = 0xFFFD;

    private readonly int[] _params = new int[MaxParams];
    private readonly byte[] _osc = new byte[MaxOscLength];
    private ParserState _state;
    private int _paramCount;

    // Bit i set: parameter i was introduced by ':' (an SGR sub-parameter).
    private uint _subParamMask;
    private byte _prefix;
    private int _intermediates;
    private int _intermediateCount;
    private int _oscLength;
    private bool _oscOverflow;

    private int _utf8Codepoint;
    private int _utf8Remaining;
    private int _utf8Lower = 0x80;
    private int _utf8Upper = 0xBF;

    // Plain line-oriented text: printable ASCII, CR and LF.
    private static readonly SearchValues<byte> s_plainText = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x5F).Select(b => (byte)b), (byte)'\r', (byte)'\n']);

    /// <summary>Off only in tests that check the shortcut against feeding every byte.</summary>
    internal bool SkipScrolledOffText { get; set; } = true;

    /// <summary>Feeds bytes written by the program. Accepts anything; never throws.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        data = data[ScrolledOffPrefixLength(data)..];
        int i = 0;
        while (i < data.Length)
        {
            if (_state == ParserState.Ground && _utf8Remaining == 0)
            {
                int start = i;
                while (i < data.Length && (uint)(data[i] - 0x20) < 0x5F)
                {
                    i++;
                }

                if (i > start)
                {
                    PrintAscii(data[start..i]);
                    continue;
                }

                // Whole multi-byte characters inside this buffer skip the byte-wise decoder; invalid or
                // split sequences take the slow path, which keeps state across calls.
                if (i < data.Length && data[i] >= 0xC2
                    && Rune.DecodeFromUtf8(data[i..], out var rune, out int consumed) == OperationStatus.Done)
                {
                    Print(rune.Value);
                    i += consumed;
                    continue;
                }

                // CSI is most of what TUIs send: enter it directly instead of through the escape state.
                if (i + 1 < data.Length && data[i] == 0x1B && data[i + 1] == '[')
                {
                    EnterCsi();
                    i += 2;
                    continue;
                }
            }
            else if (_state is ParserState.CsiParam or ParserState.CsiEntry)
            {
                // Parameters dominate TUI output (cursor addressing, colours): digits, separators and
                // the final byte are handled here without the general state dispatch.
                int start = i;
                while (i < data.Length && ((uint)(data[i] - '0') <= 9 || data[i] == ';'))
                {
                    Param(data[i]);
                    i++;
                }

                if (i > start)
                {
                    _state = ParserState.CsiParam;
                }

                if (i < data.Length && data[i] >= 0x40 && data[i] <= 0x7E)
                {
                    _state = ParserState.Ground;
                    CsiDispatch(data[i]);
                    i++;
                    continue;
                }

                if (i > start || i == data.Length)
                {
                    continue;
                }
            }

            Step(data[i]);
            i++;
        }
    }

    /// <summary>
    /// How much of <paramref name="data"/> can be left out because it cannot change what is on the screen
    /// afterwards: in a run of plain text (printable ASCII, CR, LF) that ends with at least 2×Rows line feeds
    /// after a CR, everything before that CR scrolls off, and the CR makes the column, pending wrap and REP state
    /// independent of it. Holds only with no history kept (no scrollback, no transcript sink), the full screen as
    /// scroll region, ASCII charset and replace mode; otherwise nothing is skipped. A lane feeds every byte a
    /// harness prints through here, and scrolling output is most of it (docs/benchmarks-lane.md).
    /// </summary>
    /// <remarks>
    /// Why 2×Rows: from any cursor row at most Rows−1 line feeds reach the bottom; each one after that scrolls,
    /// and Rows scrolls replace every visible row with one cleared and written after the cut.
    /// </remarks>
    private int ScrolledOffPrefixLength(ReadOnlySpan<byte> data)
    {
        int needed = 2 * Rows;
        if (!SkipScrolledOffText || data.Length < needed * 2 || !_scrollback.KeepsNothing
            || _state != ParserState.Ground || _utf8Remaining != 0 || _insertMode
            || (_activeSet == 0 ? _g0 : _g1) != Charset.Ascii || _scrollTop != 0 || _scrollBottom != Rows - 1)
        {
            return 0;
        }

        int stretch = data.IndexOfAnyExcept(s_plainText);
        var text = stretch < 0 ? data : data[..stretch];
        int from = text.Length;
        for (int k = 0; k < needed; k++)
        {
            from = text[..from].LastIndexOf((byte)'\n');
            if (from < 0)
            {
                return 0;
            }
        }

        int cr = text[..from].LastIndexOf((byte)'\r');
        return Math.Max(cr, 0);
    }

    private void Step(byte b)
    {
        if (_utf8Remaining > 0)
        {
            if (b >= _utf8Lower && b <= _utf8Upper)
            {
                _utf8Codepoint = (_utf8Codepoint << 6) | (b & 0x3F);
                _utf8Lower = 0x80;
                _utf8Upper = 0xBF;
                if (--_utf8Remaining == 0)
                {
                    Print(_utf8Codepoint);
                }

                return;
            }

            // Truncated sequence: one replacement for the maximal valid prefix, then the byte stands alone.
            _utf8Remaining = 0;
            _utf8Lower = 0x80;
            _utf8Upper = 0xBF;
            Print(Replacement);
        }

        // Controls that act in every state.
        switch (b)
        {
            case 0x18:
            case 0x1A:
                LeaveString();
                _state = ParserState.Ground;
                return;
            case 0x1B:
                LeaveString();
                _state = ParserState.Escape;
                _intermediates = 0;
                _intermediateCount = 0;
                return;
        }

        switch (_state)
        {
            case ParserState.Ground:
                Ground(b);
                break;
            case ParserState.Escape:
                Escape(b);
                break;
            case ParserState.EscapeIntermediate:
                EscapeIntermediate(b);
                break;
            case ParserState.CsiEntry:
            case ParserState.CsiParam:
            case ParserState.CsiIntermediate:
            case ParserState.CsiIgnore:
                Csi(b);
                break;
            case ParserState.OscString:
                Osc(b);
                break;
            case ParserState.DcsEntry:
            case ParserState.DcsParam:
            case ParserState.DcsIntermediate:
                DcsHeader(b);
                break;

            // DCS payloads (sixel, tmux passthrough, DECRQSS...) and SOS/PM/APC strings are not needed for
            // the screen: they are skipped without being stored, so their length does not matter.
            default:
                break;
        }
    }

    private void Ground(byte b)
    {
        if (b < 0x20)
        {
            Execute(b);
        }
        else if (b < 0x7F)
        {
            Print(b);
        }
        else if (b == 0x7F)
        {
            // DEL is ignored.
        }
        else if (b >= 0xC2 && b <= 0xDF)
        {
            _utf8Codepoint = b & 0x1F;
            _utf8Remaining = 1;
        }
        else if (b >= 0xE0 && b <= 0xEF)
        {
            _utf8Codepoint = b & 0x0F;
            _utf8Remaining = 2;

            // Reject overlong forms and UTF-16 surrogates at the second byte.
            _utf8Lower = b == 0xE0 ? 0xA0 : 0x80;
            _utf8Upper = b == 0xED ? 0x9F : 0xBF;
        }
        else if (b >= 0xF0 && b <= 0xF4)
        {
            _utf8Codepoint = b & 0x07;
            _utf8Remaining = 3;
            _utf8Lower = b == 0xF0 ? 0x90 : 0x80;
            _utf8Upper = b == 0xF4 ? 0x8F : 0xBF;
        }
        else
        {
            Print(Replacement);
        }
    }

    private void Escape(byte b)
    {
        if (b < 0x20)
        {
            Execute(b);
        }
        else if (b < 0x30)
        {
            Collect(b);
            _state = ParserState.EscapeIntermediate;
        }
        else if (b == '[')
        {
            EnterCsi();
        }
        else if (b == ']')
        {
            _oscLength = 0;
            _oscOverflow = false;
            _state = ParserState.OscString;
        }
        else if (b == 'P')
        {
            _paramCount = 0;
            _state = ParserState.DcsEntry;
        }
        else if (b == 'X' || b == '^' || b == '_')
        {
            _state = ParserState.SosPmApcString;
        }
        else if (b < 0x7F)
        {
            _state = ParserState.Ground;
            EscDispatch(b);
        }
        else if (b >= 0x80)
        {
            // Text right after a stray ESC: the escape is abandoned and the character printed, rather
            // than letting the next ASCII byte be taken as an escape final.
            _state = ParserState.Ground;
            Ground(b);
        }
    }

    private void EscapeIntermediate(byte b)
    {
        if (b < 0x20)
        {
            Execute(b);
        }
        else if (b < 0x30)
        {
            Collect(b);
        }
        else if (b < 0x7F)
        {
            _state = ParserState.Ground;
            EscDispatch(b);
        }
    }

    private void EnterCsi()
    {
        _paramCount = 0;
        _subParamMask = 0;
        _prefix = 0;
        _intermediates = 0;
        _intermediateCount = 0;
        _state = ParserState.CsiEntry;
    }

    private void Csi(byte b)
    {
        if (b < 0x20)
        {
            Execute(b);
            return;
        }

        if (b >= 0x80 || b == 0x7F)
        {
            return;
        }

        if (_state == ParserState.CsiIgnore)
        {
            if (b >= 0x40)
            {
                _state = ParserState.Ground;
            }

            return;
        }

        if (b >= 0x40)
        {
            _state = ParserState.Ground;
            CsiDispatch(b);
            return;
        }

        if (b < 0x30)
        {
            Collect(b);
            _state = ParserState.CsiIntermediate;
            return;
        }

        if (_state == ParserState.CsiIntermediate)
        {
            _state = ParserState.CsiIgnore;
            return;
        }

        if (b >= 0x3C)
        {
            if (_state == ParserState.CsiEntry)
            {
                _prefix = b;
                _state = ParserState.CsiParam;
            }
            else
            {
                _state = ParserState.CsiIgnore;
            }

            return;
        }

        _state = ParserState.CsiParam;
        Param(b);
    }

    private void Param(byte b)
    {
        if (_paramCount == 0)
        {
            _params[0] = -1;
            _paramCount = 1;
        }

        if (b == ';' || b == ':')
        {
            if (_paramCount < MaxParams)
            {
                if (b == ':')
                {
                    _subParamMask |= 1u << _paramCount;
                }

                _params[_paramCount++] = -1;
            }

            return;
        }

        int current = _params[_paramCount - 1];
        int next = (current < 0 ? 0 : current * 10) + (b - '0');
        _params[_paramCount - 1] = Math.Min(next, MaxParamValue);
    }

    private void Collect(byte b)
    {
        if (_intermediateCount < 2)
        {
            _intermediates |= b << (8 * _intermediateCount);
        }

        _intermediateCount++;
    }

    private void Osc(byte b)
    {
        if (b == 0x07)
        {
            OscDispatch();
            _state = ParserState.Ground;
            return;
        }

        if (b < 0x20)
        {
            return;
        }

        if (_oscLength < MaxOscLength)
        {
            _osc[_oscLength++] = b;
        }
        else
        {
            _oscOverflow = true;
        }
    }

    private void DcsHeader(byte b)
    {
        // Only the shape of the header matters: any final byte starts the (ignored) payload.
        if (b >= 0x40 && b < 0x7F)
        {
            _state = ParserState.DcsPassthrough;
        }
        else if (b >= 0x20 && b < 0x40)
        {
            _state = ParserState.DcsParam;
        }
    }

    // Strings end at ESC (the first half of ST), CAN or SUB as well as BEL.
    private void LeaveString()
    {
        if (_state == ParserState.OscString)
        {
            OscDispatch();
        }
    }

    private void OscDispatch()
    {
        if (_oscOverflow)
        {
            return;
        }

        var data = _osc.AsSpan(0, _oscLength);
        int semicolon = data.IndexOf((byte)';');
        if (semicolon <= 0)
        {
            return;
        }

        var command = data[..semicolon];
        if (command.SequenceEqual("0"u8) || command.SequenceEqual("2"u8))
        {
            Title = Encoding.UTF8.GetString(data[(semicolon + 1)..]);
        }
    }
}
