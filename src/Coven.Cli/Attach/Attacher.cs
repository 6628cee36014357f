using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Coven.Cli.Api;
using Coven.Cli.Interop;
using Coven.Cli.Output;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Attach;

/// <summary>
/// The foreground view of a session (<c>coven attach</c>, <c>coven run</c> without --detach): replays the
/// screen, then relays live output to stdout and keystrokes to the session until the detach key, the end
/// of the session, or a signal. The terminal is restored on every one of those paths.
/// </summary>
internal sealed class Attacher
{
    // Modes a harness may leave on when we leave in the middle: SGR, cursor, bracketed paste, mouse, keypad.
    private const string ResetModes = "\e[0m\e[?25h\e[?2004l\e[?1000l\e[?1002l\e[?1003l\e[?1006l\e[?1l\e>";

    private readonly CliContext _context;
    private readonly CovenClient _client;
    private readonly string _sessionId;
    private readonly int _detachKey;
    private readonly Channel<byte[]> _input = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> _resizes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RawTerminal? _raw;
    private bool _altScreen;
    private byte _lastByte = (byte)'\n';

    private Attacher(CliContext context, CovenClient client, string sessionId, int detachKey)
    {
        _context = context;
        _client = client;
        _sessionId = sessionId;
        _detachKey = detachKey;
    }

    /// <summary>Attaches and returns the exit code: 0 after a detach, the harness's code after the end, 130 on a signal.</summary>
    /// <param name="endInputAtEof">When piped stdin ends, end the session's input (Ctrl-D): <c>coven run</c> does, <c>attach</c> does not.</param>
    public static Task<int> RunAsync(CliContext context, CovenClient client, SessionDto session, int detachKey, CancellationToken ct, bool endInputAtEof = false) =>
        new Attacher(context, client, session.Id, detachKey) { _endInputAtEof = endInputAtEof }.RunAsync(ct);

    private bool _endInputAtEof;

    private CliConsole Console => _context.Console;

    private async Task<int> RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var interactive = Console.InIsTerminal;
        var terminalOut = Console.OutIsTerminal;

        await SendSizeAsync(stop.Token);
        var afterSeq = terminalOut ? await ReplayScreenAsync(stop.Token) : 0;

        _raw = interactive ? RawTerminal.TryEnter(0) : null;
        using var restoreOnSignal = RegisterRestoreHandlers();
        using var winch = terminalOut ? PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => _resizes.Writer.TryWrite(true)) : null;
        try
        {
            StartInputThread();
            var sender = SendInputAsync(stop.Token);
            var resizer = ResizeLoopAsync(stop.Token);
            var output = RelayOutputAsync(afterSeq, stop.Token);

            var cancelled = Task.Delay(Timeout.Infinite, ct);
            var first = await Task.WhenAny(output, _detached.Task, cancelled);
            stop.Cancel();
            _input.Writer.TryComplete();
            _resizes.Writer.TryComplete();
            await Quietly(sender);
            await Quietly(resizer);

            if (first == output)
            {
                var ended = await output;
                return Ended(ended);
            }

            Finish();
            if (first == _detached.Task)
            {
                Console.Error.WriteLine($"[detached from session {_sessionId}]");
                return ExitCodes.Ok;
            }

            Console.Error.WriteLine($"[interrupted; session {_sessionId} keeps running]");
            return ExitCodes.Interrupted;
        }
        finally
        {
            Finish();
        }
    }

    private int Ended(SessionDto session)
    {
        Finish();
        Console.Error.WriteLine($"[session {session.Id} ended: {Format.Ending(session.Status, session.ExitCode, session.ExitSignal)}]");
        return Format.ExitCodeOf(session.ExitCode, session.ExitSignal, session.Status);
    }

    /// <summary>Restores the terminal (idempotent) and puts stray modes back, on a fresh line.</summary>
    private void Finish()
    {
        if (_raw is null)
        {
            return;
        }

        _raw.Restore();
        _raw = null;
        var reset = new StringBuilder();
        if (_altScreen)
        {
            reset.Append("\e[?1049l");
            _altScreen = false;
        }

        reset.Append(ResetModes);
        if (_lastByte != (byte)'\n')
        {
            reset.Append("\r\n");
        }

        Console.WriteRaw(Encoding.ASCII.GetBytes(reset.ToString()));
    }

    private Registrations RegisterRestoreHandlers()
    {
        // Program cancels the command on these signals; restoring here as well means the terminal is sane even
        // if the main path is stuck in a syscall when the signal arrives.
        var raw = _raw;
        var regs = new List<PosixSignalRegistration>();
        if (raw is not null)
        {
            foreach (var sig in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            {
                regs.Add(PosixSignalRegistration.Create(sig, _ => raw.Restore()));
            }
        }

        return new Registrations(regs);
    }

    private async Task SendSizeAsync(CancellationToken ct)
    {
        if (!Console.OutIsTerminal || !RawTerminal.TryGetSize(1, out var cols, out var rows))
        {
            return;
        }

        try
        {
            var body = JsonSerializer.Serialize(new ResizeRequest { Cols = cols, Rows = rows }, CovenJsonContext.Default.ResizeRequest);
            await _client.SendAsync(HttpVerb.Post, $"api/v1/sessions/{_sessionId}/resize", body, ct);
        }
        catch (CliException e) when (e.ExitCode == ExitCodes.InvalidState)
        {
            // Not live (yet or any more): nothing to resize.
        }
    }

    private async Task ResizeLoopAsync(CancellationToken ct)
    {
        await foreach (var _ in _resizes.Reader.ReadAllAsync(ct))
        {
            await SendSizeAsync(ct);
        }
    }

    /// <summary>
    /// Paints the daemon's rendered screen when it has one, and returns the seq to stream from; without the
    /// screen capability returns 0, so the stream replays every output event (exact, just longer).
    /// </summary>
    private async Task<long> ReplayScreenAsync(CancellationToken ct)
    {
        if ((await _context.GetHealthAsync(ct)).Capabilities.Screen != true)
        {
            return 0;
        }

        // The screen answer has no seq of its own, so take the last seq first: a chunk written between the two
        // requests may be painted twice, never lost.
        var last = await EventPayloads.ReadAllAsync(_client, _sessionId, 0, null, _ => { }, ct);
        string body;
        try
        {
            body = await _client.SendAsync(HttpVerb.Get, $"api/v1/sessions/{_sessionId}/screen", null, ct);
        }
        catch (CliException e) when (e.ExitCode is ExitCodes.InvalidState or ExitCodes.NotFound or ExitCodes.Failed)
        {
            return 0;
        }

        var screen = CovenClient.Deserialize(body, CovenJsonContext.Default.ScreenDto);
        using (var doc = JsonDocument.Parse(body))
        {
            if (doc.RootElement.TryGetProperty("seq", out var s) && s.TryGetInt64(out var seq))
            {
                last = seq;
            }
        }

        var sb = new StringBuilder();
        if (screen.AltScreen)
        {
            sb.Append("\e[?1049h");
            _altScreen = true;
        }

        sb.Append("\e[H\e[2J");
        for (var i = 0; i < screen.Lines.Count; i++)
        {
            sb.Append("\e[").Append(i + 1).Append(";1H").Append(screen.Lines[i].TrimEnd());
        }

        sb.Append("\e[").Append(screen.Cursor.Row + 1).Append(';').Append(screen.Cursor.Col + 1).Append('H');
        sb.Append(screen.Cursor.Visible ? "\e[?25h" : "\e[?25l");
        Console.WriteRaw(Encoding.UTF8.GetBytes(sb.ToString()));
        _lastByte = 0;
        return last;
    }

    /// <summary>Streams output until the session ends (reconnecting after drops). Returns the final record.</summary>
    private async Task<SessionDto> RelayOutputAsync(long afterSeq, CancellationToken ct)
    {
        var seq = afterSeq;
        var failures = 0;
        while (true)
        {
            var progressed = false;
            try
            {
                await foreach (var evt in _client.StreamAsync(_sessionId, seq, ct))
                {
                    seq = Math.Max(seq, evt.Seq);
                    progressed = true;
                    if (evt.Kind == "output")
                    {
                        Write(EventPayloads.OutputBytes(evt));
                    }
                }
            }
            catch (CliException e) when (e.Code == "daemon_unreachable" && failures < 50)
            {
                failures++;
            }

            var session = await _client.GetAsync($"api/v1/sessions/{_sessionId}", CovenJsonContext.Default.SessionDto, ct);
            if (session.Status is not ("live" or "pending"))
            {
                // The stream ends after the final event; fetch anything the last connection did not deliver.
                await EventPayloads.ReadAllAsync(_client, _sessionId, seq, "output", e => Write(EventPayloads.OutputBytes(e)), ct);
                return session;
            }

            failures = progressed ? 0 : failures + 1;
            if (failures > 50)
            {
                throw CliException.Unreachable("lost the output stream and could not reconnect");
            }

            await Task.Delay(Math.Min(1000, 20 * failures), ct);
        }
    }

    private void Write(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        TrackModes(bytes);
        Console.WriteRaw(bytes);
        _lastByte = bytes[^1];
    }

    private void TrackModes(byte[] bytes)
    {
        var text = Encoding.ASCII.GetString(bytes);
        var on = Math.Max(text.LastIndexOf("\e[?1049h", StringComparison.Ordinal), text.LastIndexOf("\e[?47h", StringComparison.Ordinal));
        var off = Math.Max(text.LastIndexOf("\e[?1049l", StringComparison.Ordinal), text.LastIndexOf("\e[?47l", StringComparison.Ordinal));
        if (on >= 0 || off >= 0)
        {
            _altScreen = on > off;
        }
    }

    private void StartInputThread()
    {
        var thread = new Thread(ReadInput) { IsBackground = true, Name = "coven-stdin" };
        thread.Start();
    }

    /// <summary>
    /// Blocking reads of fd 0 on a background thread (a read cannot be cancelled, and the process exits
    /// without waiting for it). EOF ends input but not the attachment: output keeps flowing.
    /// </summary>
    private unsafe void ReadInput()
    {
        var buffer = new byte[4096];
        byte? lastByte = null;
        while (true)
        {
            nint n;
            fixed (byte* p = buffer)
            {
                n = Libc.Read(0, p, buffer.Length);
            }

            if (n < 0 && Marshal.GetLastPInvokeError() == Libc.EINTR)
            {
                continue;
            }

            if (n <= 0)
            {
                // Piped stdin ended: end the session's input too, as the terminal's EOF key (Ctrl-D) does; a partial
                // last line takes one Ctrl-D to be delivered and another for the end (`echo hi | coven run X`).
                if (_endInputAtEof && !Console.InIsTerminal)
                {
                    _input.Writer.TryWrite(lastByte is (byte)'\n' or null ? [0x04] : [0x04, 0x04]);
                }

                _input.Writer.TryComplete();
                return;
            }

            lastByte = buffer[(int)n - 1];

            var span = buffer.AsSpan(0, (int)n);
            var at = _detachKey >= 0 ? span.IndexOf((byte)_detachKey) : -1;
            if (at >= 0)
            {
                if (at > 0)
                {
                    _input.Writer.TryWrite(span[..at].ToArray());
                }

                _input.Writer.TryComplete();
                _detached.TrySetResult();
                return;
            }

            _input.Writer.TryWrite(span.ToArray());
        }
    }

    private async Task SendInputAsync(CancellationToken ct)
    {
        var pending = new List<byte>();
        while (await _input.Reader.WaitToReadAsync(ct))
        {
            pending.Clear();
            while (_input.Reader.TryRead(out var chunk))
            {
                pending.AddRange(chunk);
            }

            var bytes = pending.ToArray();
            var request = Utf8Valid(bytes)
                ? new InputRequest { Data = Encoding.UTF8.GetString(bytes) }
                : new InputRequest { DataBase64 = Convert.ToBase64String(bytes) };
            try
            {
                await _client.SendAsync(HttpVerb.Post, $"api/v1/sessions/{_sessionId}/input", JsonSerializer.Serialize(request, CovenJsonContext.Default.InputRequest), ct);
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.InvalidState)
            {
                // The session ended under us; the output side reports it.
            }
        }
    }

    private static bool Utf8Valid(byte[] bytes) => System.Text.Unicode.Utf8.IsValid(bytes);

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
        catch (CliException)
        {
        }
    }

    private sealed class Registrations(List<PosixSignalRegistration> regs) : IDisposable
    {
        public void Dispose()
        {
            foreach (var r in regs)
            {
                r.Dispose();
            }
        }
    }
}
