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

    private readonly byte[] _held = new byte[MaxHeldBytes];
    private readonly byte[] _xtversionReply;
    private int _heldLength;
    private Phase _phase;

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
        Csi,
        Osc,
        OscEscape,
    }

    /// <summary>The screen model that sees every byte.</summary>
    public TerminalScreen Screen { get; }

    /// <summary>Number of bytes currently held back.</summary>
    public int HeldBytes => _heldLength;

    /// <summary>
    /// Appends to <paramref name="recorded"/> the bytes to store (everything except queries), and to
    /// <paramref name="replies"/> the answers to write back to the PTY.
    /// </summary>
    public void Process(ReadOnlySpan<byte> input, IBufferWriter<byte> recorded, IBufferWriter<byte> replies)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(replies);
        int runStart = 0;
        for (int i = 0; i < input.Length; i++)
        {
            byte b = input[i];
            if (_phase == Phase.None)
            {
                if (b == 0x1B)
                {
                    Emit(input[runStart..i], recorded);
                    Hold(b);
                    _phase = Phase.Escape;
                    runStart = i + 1;
                }

                continue;
            }

            runStart = i + 1;
            Advance(b, recorded, replies);
        }

        if (_phase == Phase.None)
        {
            Emit(input[runStart..], recorded);
        }
    }

    /// <summary>Releases any held-back bytes (call at end of output).</summary>
    public void Flush(IBufferWriter<byte> recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        Release(recorded);
    }

    private void Advance(byte b, IBufferWriter<byte> recorded, IBufferWriter<byte> replies)
    {
        switch (_phase)
        {
            case Phase.Escape:
                if (b == '[')
                {
                    Hold(b);
                    _phase = Phase.Csi;
                }
                else if (b == ']')
                {
                    Hold(b);
                    _phase = Phase.Osc;
                }
                else
                {
                    Reject(b, recorded);
                }

                break;

            case Phase.Csi:
                if (b >= 0x20 && b <= 0x3F)
                {
                    HoldOrRelease(b, recorded);
                }
                else if (b >= 0x40 && b <= 0x7E)
                {
                    Hold(b);
                    if (!TryAnswerCsi(replies))
                    {
                        Release(recorded);
                    }
                }
                else
                {
                    Reject(b, recorded);
                }

                break;

            case Phase.Osc:
                // Only "10;?" and "11;?" are queries; anything else is released as soon as it diverges.
                int position = _heldLength - 2;
                bool fits = position switch
                {
                    0 => b == '1',
                    1 => b == '0' || b == '1',
                    2 => b == ';',
                    3 => b == '?',
                    _ => false,
                };
                if (fits)
                {
                    Hold(b);
                }
                else if (position == 4 && b == 0x07)
                {
                    Answer(replies, (byte)0x07);
                }
                else if (position == 4 && b == 0x1B)
                {
                    Hold(b);
                    _phase = Phase.OscEscape;
                }
                else
                {
                    Reject(b, recorded);
                }

                break;

            case Phase.OscEscape:
                if (b == '\\')
                {
                    Answer(replies, (byte)'\\');
                }
                else
                {
                    Reject(b, recorded);
                }

                break;
        }
    }

    private void Answer(IBufferWriter<byte> replies, byte terminator)
    {
        bool background = _held[3] == '1';
        var reply = new StringBuilder(32);
        reply.Append("\e]1").Append(background ? '1' : '0').Append(';')
            .Append(background ? BackgroundColor : ForegroundColor)
            .Append(terminator == 0x07 ? "\a" : "\e\\");
        WriteAscii(replies, reply.ToString());
        Drop();
    }

    private bool TryAnswerCsi(IBufferWriter<byte> replies)
    {
        // _held is ESC [ [prefix] params [intermediates] final.
        var body = _held.AsSpan(2, _heldLength - 3);
        byte final = _held[_heldLength - 1];
        byte prefix = 0;
        if (!body.IsEmpty && body[0] >= 0x3C)
        {
            prefix = body[0];
            body = body[1..];
        }

        int paramEnd = 0;
        while (paramEnd < body.Length && body[paramEnd] >= 0x30)
        {
            paramEnd++;
        }

        var parameters = body[..paramEnd];
        var intermediates = body[paramEnd..];
        bool emptyOrZero = parameters.IsEmpty || parameters.SequenceEqual("0"u8);

        if (prefix == 0 && intermediates.IsEmpty && final == 'c' && emptyOrZero)
        {
            WriteAscii(replies, "\e[?62;22c");
        }
        else if (prefix == 0 && intermediates.IsEmpty && final == 'n' && parameters.SequenceEqual("5"u8))
        {
            WriteAscii(replies, "\e[0n");
        }
        else if (prefix == 0 && intermediates.IsEmpty && final == 'n' && parameters.SequenceEqual("6"u8))
        {
            WriteAscii(replies, $"\e[{Screen.ReportedCursorRow};{Screen.ReportedCursorColumn}R");
        }
        else if ((prefix == '?' || prefix == 0) && intermediates.SequenceEqual("$"u8) && final == 'p'
                 && TryParseNumber(parameters, out int mode))
        {
            int state = Screen.ModeState(mode, decPrivate: prefix == '?');
            WriteAscii(replies, prefix == '?' ? $"\e[?{mode};{state}$y" : $"\e[{mode};{state}$y");
        }
        else if (prefix == '>' && intermediates.IsEmpty && final == 'q' && emptyOrZero)
        {
            replies.Write(_xtversionReply);
        }
        else if (prefix == '?' && intermediates.IsEmpty && final == 'u' && parameters.IsEmpty)
        {
            // Kitty keyboard query: deliberately unanswered. Programs take the DA1 reply that follows as
            // "not supported", which is what we want.
        }
        else
        {
            return false;
        }

        Drop();
        return true;
    }

    private static bool TryParseNumber(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 6)
        {
            return false;
        }

        foreach (byte d in digits)
        {
            if (d < '0' || d > '9')
            {
                return false;
            }

            value = (value * 10) + (d - '0');
        }

        return true;
    }

    private static void WriteAscii(IBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(text.Length);
        int n = Encoding.ASCII.GetBytes(text, span);
        writer.Advance(n);
    }

    private void Hold(byte b) => _held[_heldLength++] = b;

    private void HoldOrRelease(byte b, IBufferWriter<byte> recorded)
    {
        if (_heldLength < MaxHeldBytes)
        {
            Hold(b);
        }
        else
        {
            // Too long to be any query we know: it is ordinary output.
            Release(recorded);
            Emit([b], recorded);
        }
    }

    // The held bytes plus b cannot be a query. A new ESC starts a fresh candidate.
    private void Reject(byte b, IBufferWriter<byte> recorded)
    {
        Release(recorded);
        if (b == 0x1B)
        {
            Hold(b);
            _phase = Phase.Escape;
        }
        else
        {
            Emit([b], recorded);
        }
    }

    private void Release(IBufferWriter<byte> recorded)
    {
        Emit(_held.AsSpan(0, _heldLength), recorded);
        Drop();
    }

    private void Drop()
    {
        _heldLength = 0;
        _phase = Phase.None;
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
