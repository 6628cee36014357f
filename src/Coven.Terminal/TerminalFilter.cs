using System.Buffers;
using System.Text;

namespace Coven.Terminal;

/// <summary>
/// Sits between a PTY master and the recorder: feeds every byte to <see cref="Screen"/>, answers the
/// terminal queries programs wait for (DA1, DSR 5n/6n, OSC 10/11 colour, DECRQM, XTVERSION; the kitty
/// keyboard query <c>ESC[?u</c> is swallowed without an answer) and keeps the query bytes out of what is
/// recorded, so a replay into a real terminal cannot make it answer into someone's shell.
/// </summary>
/// <remarks>
/// Not thread-safe: one reader calls <see cref="Process"/> and <see cref="Flush"/>. Bytes of an
/// incomplete escape sequence that may still become a query are held back (at most
/// <see cref="MaxHeldBytes"/>) and emitted by a later call; past that bound they are released as ordinary
/// output. Answers reflect the screen after every byte that precedes the query has been fed to it.
/// </remarks>
public sealed class TerminalFilter
{
    /// <summary>Upper bound on bytes held back while deciding whether a sequence is a query.</summary>
    public const int MaxHeldBytes = 64;

    // Foreground light grey on a black background: what most dark terminal themes report.
    private const string ForegroundColor = "rgb:dddd/dddd/dddd";
    private const string BackgroundColor = "rgb:0000/0000/0000";
    private const int MaxModeNumber = 99_999;

    private readonly byte[] _held = new byte[MaxHeldBytes];
    private readonly byte[] _xtversionReply;

    // The candidate: an escape sequence that may still turn out to be a query. Its bytes live in the
    // current input while it is being scanned and are copied to _held only when it crosses a call.
    private Phase _phase;
    private int _candidateLength;
    private int _heldLength;
    private byte _csiPrefix;
    private byte _csiIntermediate;
    private int _csiValue;
    private bool _oscBackground;

    /// <summary>Creates a filter answering from <paramref name="screen"/>.</summary>
    /// <param name="screen">The screen model every byte is fed to.</param>
    /// <param name="version">Reported by XTVERSION as <c>coven &lt;version&gt;</c>.</param>
    public TerminalFilter(TerminalScreen screen, string version = "0.1.0")
    {
        ArgumentNullException.ThrowIfNull(screen);
        ArgumentNullException.ThrowIfNull(version);
        Screen = screen;
        _xtversionReply = Encoding.UTF8.GetBytes("\eP>|coven " + version + "\e\\");
    }

    private enum Phase : byte
    {
        None,
        Escape,
        CsiFirst,
        Csi,
        Osc,
        OscEscape,
    }

    private enum Step : byte
    {
        Continue,
        Reject,
        Complete,
    }

    /// <summary>The screen model that sees every byte.</summary>
    public TerminalScreen Screen { get; }

    /// <summary>Number of bytes currently held back (between calls).</summary>
    public int HeldBytes => _heldLength;

    /// <summary>
    /// Appends to <paramref name="recorded"/> the bytes to store (everything except queries), and to
    /// <paramref name="replies"/> the answers to write back to the PTY.
    /// </summary>
    public void Process(ReadOnlySpan<byte> input, IBufferWriter<byte> recorded, IBufferWriter<byte> replies)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(replies);

        // Start of the input bytes not yet emitted.
        int runStart = 0;

        // Where the current candidate starts in input; -1 when it started in an earlier call (in _held).
        int candidateStart = _phase == Phase.None ? 0 : -1;
        int i = 0;
        while (i < input.Length)
        {
            if (_phase == Phase.None)
            {
                int esc = input[i..].IndexOf((byte)0x1B);
                if (esc < 0)
                {
                    break;
                }

                i += esc;
                candidateStart = i;
                Begin();
                i++;
                continue;
            }

            byte b = input[i];
            var step = _candidateLength >= MaxHeldBytes ? Step.Reject : Advance(b);
            switch (step)
            {
                case Step.Continue:
                    if (candidateStart < 0)
                    {
                        _held[_heldLength++] = b;
                    }

                    _candidateLength++;
                    i++;
                    break;

                case Step.Complete:
                    if (candidateStart >= 0)
                    {
                        Emit(input[runStart..candidateStart], recorded);
                    }

                    _heldLength = 0;
                    Answer(b, replies);
                    _phase = Phase.None;
                    i++;
                    runStart = i;
                    break;

                default:
                    // Not a query after all: its bytes are ordinary output. b is re-examined in ground
                    // state, so an ESC there starts the next candidate.
                    _phase = Phase.None;
                    if (candidateStart < 0)
                    {
                        Release(recorded);
                        runStart = i;
                    }

                    break;
            }
        }

        if (_phase == Phase.None)
        {
            Emit(input[runStart..], recorded);
        }
        else if (candidateStart >= 0)
        {
            // The candidate reaches the end of this input: keep it for the next call.
            Emit(input[runStart..candidateStart], recorded);
            input[candidateStart..].CopyTo(_held);
            _heldLength = input.Length - candidateStart;
        }
    }

    /// <summary>Releases any held-back bytes (call at end of output).</summary>
    public void Flush(IBufferWriter<byte> recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        Release(recorded);
        _phase = Phase.None;
    }

    private void Begin()
    {
        _phase = Phase.Escape;
        _candidateLength = 1;
        _csiPrefix = 0;
        _csiIntermediate = 0;
        _csiValue = -1;
        _oscBackground = false;
    }

    // One byte of a candidate. Rejects as early as possible: only the exact query grammar is held.
    private Step Advance(byte b)
    {
        switch (_phase)
        {
            case Phase.Escape:
                if (b == '[')
                {
                    _phase = Phase.CsiFirst;
                    return Step.Continue;
                }

                if (b == ']')
                {
                    _phase = Phase.Osc;
                    return Step.Continue;
                }

                return Step.Reject;

            case Phase.CsiFirst:
                if (b == '?' || b == '>')
                {
                    _csiPrefix = b;
                    _phase = Phase.Csi;
                    return Step.Continue;
                }

                _phase = Phase.Csi;
                return Csi(b);

            case Phase.Csi:
                return Csi(b);

            case Phase.Osc:
                // "10;?" or "11;?", then BEL or ST.
                int position = _candidateLength - 2;
                switch (position)
                {
                    case 0:
                        return b == '1' ? Step.Continue : Step.Reject;
                    case 1:
                        _oscBackground = b == '1';
                        return b == '0' || b == '1' ? Step.Continue : Step.Reject;
                    case 2:
                        return b == ';' ? Step.Continue : Step.Reject;
                    case 3:
                        return b == '?' ? Step.Continue : Step.Reject;
                    default:
                        if (b == 0x07)
                        {
                            return Step.Complete;
                        }

                        if (b == 0x1B)
                        {
                            _phase = Phase.OscEscape;
                            return Step.Continue;
                        }

                        return Step.Reject;
                }

            case Phase.OscEscape:
                return b == '\\' ? Step.Complete : Step.Reject;

            default:
                return Step.Reject;
        }
    }

    private Step Csi(byte b)
    {
        if (b >= '0' && b <= '9')
        {
            if (_csiIntermediate != 0)
            {
                return Step.Reject;
            }

            _csiValue = (_csiValue < 0 ? 0 : _csiValue * 10) + (b - '0');
            return _csiValue > MaxModeNumber ? Step.Reject : Step.Continue;
        }

        if (b == '$' && _csiIntermediate == 0)
        {
            _csiIntermediate = b;
            return Step.Continue;
        }

        if (b < 0x40 || b > 0x7E)
        {
            return Step.Reject;
        }

        return IsCsiQuery(b) ? Step.Complete : Step.Reject;
    }

    private bool IsCsiQuery(byte final)
    {
        bool emptyOrZero = _csiValue <= 0;
        return (_csiPrefix, _csiIntermediate, final) switch
        {
            (0, 0, (byte)'c') => emptyOrZero,
            (0, 0, (byte)'n') => _csiValue is 5 or 6,
            ((byte)'?' or 0, (byte)'$', (byte)'p') => _csiValue >= 0,
            ((byte)'>', 0, (byte)'q') => emptyOrZero,
            ((byte)'?', 0, (byte)'u') => _csiValue < 0,
            _ => false,
        };
    }

    private void Answer(byte final, IBufferWriter<byte> replies)
    {
        if (_phase is Phase.Osc or Phase.OscEscape)
        {
            var reply = "\e]1" + (_oscBackground ? "1;" + BackgroundColor : "0;" + ForegroundColor)
                + (final == 0x07 ? "\a" : "\e\\");
            WriteAscii(replies, reply);
            return;
        }

        switch (final)
        {
            case (byte)'c':
                WriteAscii(replies, "\e[?62;22c");
                break;
            case (byte)'n' when _csiValue == 5:
                WriteAscii(replies, "\e[0n");
                break;
            case (byte)'n':
                WriteAscii(replies, $"\e[{Screen.ReportedCursorRow};{Screen.ReportedCursorColumn}R");
                break;
            case (byte)'p':
                bool dec = _csiPrefix == '?';
                int state = Screen.ModeState(_csiValue, dec);
                WriteAscii(replies, dec ? $"\e[?{_csiValue};{state}$y" : $"\e[{_csiValue};{state}$y");
                break;
            case (byte)'q':
                replies.Write(_xtversionReply);
                break;

            // 'u': the kitty keyboard query is deliberately unanswered. Programs take the DA1 reply that
            // follows as "not supported", which is what we want.
        }
    }

    private static void WriteAscii(IBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(text.Length);
        int n = Encoding.ASCII.GetBytes(text, span);
        writer.Advance(n);
    }

    private void Release(IBufferWriter<byte> recorded)
    {
        Emit(_held.AsSpan(0, _heldLength), recorded);
        _heldLength = 0;
    }

    private void Emit(ReadOnlySpan<byte> bytes, IBufferWriter<byte> recorded)
    {
        if (bytes.IsEmpty)
        {
            return;
        }

        Screen.Feed(bytes);
        recorded.Write(bytes);
    }
}
