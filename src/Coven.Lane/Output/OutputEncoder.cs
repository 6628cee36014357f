using System.Buffers;
using System.Buffers.Text;
using System.Text.Unicode;
using Coven.Store;

namespace Coven.Lane.Output;

/// <summary>
/// Turns recorded PTY bytes into <c>output</c> events: <c>{"data":"..."}</c> for valid UTF-8, <c>{"dataBase64":"..."}</c>
/// otherwise, at most <see cref="MaxEventBytes"/> raw bytes each. A UTF-8 sequence is never split across events:
/// an incomplete sequence at the end is held back until more bytes arrive (or the end of output).
/// Not thread-safe: owned by the recorder thread.
/// </summary>
internal sealed class OutputEncoder
{
    public const int MaxEventBytes = 64 * 1024;

    // Text shorter than this between invalid bytes is carried inside the base64 event.
    private const int MinTextRun = 16;

    // Bytes that cannot stand in a JSON string as they are: the C0 controls, the quote and the backslash.
    private static readonly SearchValues<byte> s_mustEscape = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    private static readonly byte[] s_hex = "0123456789ABCDEF"u8.ToArray();

    private readonly ArrayBufferWriter<byte> _pending = new(MaxEventBytes);
    private readonly ArrayBufferWriter<byte> _json = new(MaxEventBytes * 2);

    public int PendingBytes => _pending.WrittenCount;

    public void Append(ReadOnlySpan<byte> data) => _pending.Write(data);

    /// <summary>Where pending bytes are written (what <see cref="Append"/> does, for writers such as the redactor).</summary>
    public IBufferWriter<byte> Writer => _pending;

    /// <summary>Moves all pending bytes except an incomplete trailing UTF-8 sequence (unless <paramref name="final"/>) into events.</summary>
    public void Drain(List<NewEvent> events, bool final)
    {
        var data = _pending.WrittenSpan;
        var keep = final ? 0 : IncompleteTailLength(data);
        var emit = data[..^keep];
        while (!emit.IsEmpty)
        {
            var length = Math.Min(emit.Length, MaxEventBytes);
            if (length < emit.Length)
            {
                // Cut before a continuation byte so the sequence stays whole in the next event.
                var cut = length;
                while (cut > length - 3 && cut > 0 && (emit[cut] & 0xC0) == 0x80)
                {
                    cut--;
                }

                if (cut > 0 && (emit[cut] & 0xC0) != 0x80)
                {
                    length = cut;
                }
            }

            AddEvents(emit[..length], events);
            emit = emit[length..];
        }

        var tail = data[^keep..].ToArray();
        _pending.ResetWrittenCount();
        _pending.Write(tail);
    }

    /// <summary>Bytes at the end of <paramref name="data"/> that start a UTF-8 sequence which is not complete yet.</summary>
    internal static int IncompleteTailLength(ReadOnlySpan<byte> data)
    {
        for (var back = 1; back <= Math.Min(3, data.Length); back++)
        {
            var b = data[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 && b < 0xF0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 1;
            return needed > back ? back : 0;
        }

        return 0;
    }

    /// <summary>
    /// Valid text becomes <c>data</c> events; invalid bytes (with short valid stretches between them, so binary
    /// output does not explode into tiny events) become <c>dataBase64</c> events.
    /// </summary>
    private void AddEvents(ReadOnlySpan<byte> piece, List<NewEvent> events)
    {
        if (Utf8.IsValid(piece))
        {
            events.Add(new NewEvent(Store.EventKinds.Output, Payload(piece, text: true)));
            return;
        }

        var i = 0;
        while (i < piece.Length)
        {
            var start = i;
            i += ValidRunLength(piece[i..], int.MaxValue);
            if (i > start)
            {
                events.Add(new NewEvent(Store.EventKinds.Output, Payload(piece[start..i], text: true)));
            }

            start = i;
            while (i < piece.Length)
            {
                var valid = ValidRunLength(piece[i..], MinTextRun);
                if (valid >= MinTextRun || i + valid == piece.Length && valid > 0)
                {
                    break;
                }

                // An invalid byte, or a stretch of text too short to be worth its own event.
                i += Math.Max(valid, 1);
            }

            if (i > start)
            {
                events.Add(new NewEvent(Store.EventKinds.Output, Payload(piece[start..i], text: false)));
            }
        }
    }

    /// <summary>Length of the valid UTF-8 prefix of <paramref name="bytes"/>, counting at most about <paramref name="limit"/> bytes.</summary>
    private static int ValidRunLength(ReadOnlySpan<byte> bytes, int limit)
    {
        var length = 0;
        while (length < bytes.Length && length < limit)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[length..], out _, out var consumed) != OperationStatus.Done)
            {
                break;
            }

            length += consumed;
        }

        return length;
    }

    /// <summary>
    /// <c>{"data":"…"}</c> with the text escaped as JSON requires and nothing more (UTF-8 stays as it is), or
    /// <c>{"dataBase64":"…"}</c>; as UTF-8 bytes, which the store binds without transcoding. Written by hand: the
    /// general JSON writer's escaper was the recorder's largest cost on plain text (docs/benchmarks-lane.md).
    /// </summary>
    internal byte[] Payload(ReadOnlySpan<byte> bytes, bool text)
    {
        _json.ResetWrittenCount();
        if (!text)
        {
            Write("{\"dataBase64\":\""u8);
            var span = _json.GetSpan(Base64.GetMaxEncodedToUtf8Length(bytes.Length));
            Base64.EncodeToUtf8(bytes, span, out _, out var written);
            _json.Advance(written);
            Write("\"}"u8);
            return _json.WrittenSpan.ToArray();
        }

        Write("{\"data\":\""u8);
        while (!bytes.IsEmpty)
        {
            var next = bytes.IndexOfAny(s_mustEscape);
            if (next < 0)
            {
                Write(bytes);
                break;
            }

            Write(bytes[..next]);
            WriteEscape(bytes[next]);
            bytes = bytes[(next + 1)..];
        }

        Write("\"}"u8);
        return _json.WrittenSpan.ToArray();
    }

    private void WriteEscape(byte b)
    {
        ReadOnlySpan<byte> shortForm = b switch
        {
            (byte)'"' => "\\\""u8,
            (byte)'\\' => "\\\\"u8,
            (byte)'\n' => "\\n"u8,
            (byte)'\r' => "\\r"u8,
            (byte)'\t' => "\\t"u8,
            (byte)'\b' => "\\b"u8,
            (byte)'\f' => "\\f"u8,
            _ => default,
        };
        if (!shortForm.IsEmpty)
        {
            Write(shortForm);
            return;
        }

        var span = _json.GetSpan(6);
        "\\u00"u8.CopyTo(span);
        span[4] = s_hex[b >> 4];
        span[5] = s_hex[b & 0xF];
        _json.Advance(6);
    }

    private void Write(ReadOnlySpan<byte> bytes) => _json.Write(bytes);
}
