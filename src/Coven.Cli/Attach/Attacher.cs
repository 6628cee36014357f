using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Coven.Cli.Api;
using Coven.Interop;
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
    // Reconnecting (output stream and input alike): this many attempts in a row without progress, 20 ms more wait
    // after each failure, at most 1 s between attempts.
    private const int MaxFailures = 50;

    private readonly CliContext _context;
    private readonly CovenClient _client;
    private readonly string _sessionId;
    private readonly int _detachKey;
    private readonly Channel<byte[]> _input = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<bool> _resizes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _detached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RawTerminal? _raw;
    private AttachView? _view;
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
        new Attacher(context, client, session.Id, detachKey) { _endInputAtEof = endInputAtEof, _title = session.Title }.RunAsync(ct);

    private bool _endInputAtEof;

    // The session's title, for the attention notice (bell and OSC 9 on a terminal when the agent waits or goes idle).
    private string? _title;

    private CliConsole Console => _context.Console;

    private async Task<int> RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var interactive = Console.InIsTerminal;
        var terminalOut = Console.OutIsTerminal;

        await SendSizeAsync(stop.Token);
        var (screen, afterSeq) = terminalOut ? await ReadScreenAsync(stop.Token) : (null, 0);

        _raw = interactive ? RawTerminal.TryEnter(0) : null;
        if (terminalOut)
        {
            RawTerminal.TryGetSize(1, out var cols, out var rows);
            var (view, start) = AttachView.Start(screen, Math.Max(cols, 1), Math.Max(rows, 1));
            _view = view;
            Console.WriteRaw(start);
            _lastByte = 0;
        }

        using var restoreOnSignal = RegisterRestoreHandlers();
        using var winch = terminalOut ? PosixSignalRegistration.Create(PosixSignal.SIGWINCH, _ => _resizes.Writer.TryWrite(true)) : null;
        try
        {
            StartInputThread();
            var sender = SendInputAsync(stop.Token);
            var resizer = ResizeLoopAsync(stop.Token);
            var output = RelayOutputAsync(afterSeq, stop.Token);
            var inputFailed = InputFailureAsync(sender, stop.Token);

            var cancelled = Task.Delay(Timeout.Infinite, ct);
            var first = await Task.WhenAny(output, _detached.Task, cancelled, inputFailed);
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

            if (first == inputFailed && inputFailed.Result is { } failure)
            {
                Finish();
                await Quietly(output);
                throw new CliException(
                    failure.Code,
                    $"keystrokes can no longer be delivered to session {_sessionId} ({failure.Message}); detached, the session keeps running",
                    failure.ExitCode == ExitCodes.Ok ? ExitCodes.Failed : failure.ExitCode);
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

    /// <summary>Completes with the error that ended the input sender (and never when input just ended: EOF).</summary>
    private static async Task<CliException?> InputFailureAsync(Task sender, CancellationToken ct)
    {
        try
        {
            await sender;
        }
        catch (CliException e)
        {
            return e;
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        await Task.Delay(Timeout.Infinite, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        return null;
    }

    private int Ended(SessionDto session)
    {
        var last = _view?.FinalScreen();
        Finish();
        if (!string.IsNullOrEmpty(last))
        {
            // The attachment was on the alternate screen: the program's last screen stays visible, as printed output.
            Console.WriteRaw(Encoding.UTF8.GetBytes(last));
        }

        Console.Error.WriteLine($"[session {session.Id} ended: {Format.Ending(session.Status, session.ExitCode, session.ExitSignal)}]");
        return Format.ExitCodeOf(session.ExitCode, session.ExitSignal, session.Status);
    }

    /// <summary>Restores the terminal (idempotent): cooked mode, every mode off, the user's screen back.</summary>
    private void Finish()
    {
        var raw = Interlocked.Exchange(ref _raw, null);
        raw?.Restore();
        if (Interlocked.Exchange(ref _view, null) is { } view)
        {
            Console.WriteRaw(view.Stop());
        }
        else if (raw is not null && _lastByte != (byte)'\n')
        {
            Console.WriteRaw("\r\n"u8);
        }
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

        _view?.Resize(cols, rows);
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
    /// The daemon's rendered screen (with colours and modes) when it has one, and the seq to stream from; without the
    /// screen capability no screen and seq 0, so the stream replays every output event (exact, just longer).
    /// </summary>
    private async Task<(ScreenDto? Screen, long AfterSeq)> ReadScreenAsync(CancellationToken ct)
    {
        if ((await _context.GetHealthAsync(ct)).Capabilities.Screen != true)
        {
            return (null, 0);
        }

        // The screen answer has no seq of its own, so take the last seq first: a chunk written between the two
        // requests may be painted twice, never lost.
        var last = await EventPayloads.ReadAllAsync(_client, _sessionId, 0, null, _ => { }, ct);
        string body;
        try
        {
            body = await _client.SendAsync(HttpVerb.Get, $"api/v1/sessions/{_sessionId}/screen?ansi=true", null, ct);
        }
        catch (CliException e) when (e.ExitCode is ExitCodes.InvalidState or ExitCodes.NotFound or ExitCodes.Failed)
        {
            return (null, 0);
        }

        return (CovenClient.Deserialize(body, CovenJsonContext.Default.ScreenDto), last);
    }

    /// <summary>Streams output until the session ends (reconnecting after drops). Returns the final record.</summary>
    private async Task<SessionDto> RelayOutputAsync(long afterSeq, CancellationToken ct)
    {
        var seq = afterSeq;
        var failures = 0;
        while (true)
        {
            var progressed = false;
            SessionDto? session = null;
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
                    else if (Console.OutIsTerminal && AttentionSignal.For(evt, _title) is { } signal)
                    {
                        Console.WriteRaw(signal);
                    }
                }

                session = await _client.GetAsync($"api/v1/sessions/{_sessionId}", CovenJsonContext.Default.SessionDto, ct);
            }
            catch (CliException e) when (e.Code == "daemon_unreachable")
            {
                // The daemon is gone or restarting: try again below, like after a dropped stream.
            }

            if (session is not null && session.Status is not ("live" or "pending"))
            {
                // The stream ends after the final event; fetch anything the last connection did not deliver.
                await EventPayloads.ReadAllAsync(_client, _sessionId, seq, "output", e => Write(EventPayloads.OutputBytes(e)), ct);
                return session;
            }

            failures = progressed ? 0 : failures + 1;
            if (failures > MaxFailures)
            {
                throw CliException.Unreachable($"lost the output stream of session {_sessionId} and could not reconnect; detached, the session keeps running");
            }

            await Task.Delay(Backoff(failures), ct);
        }
    }

    private void Write(byte[] bytes)
    {
        if (bytes.Length == 0)
        {
            return;
        }

        if (_view is { } view)
        {
            Console.WriteRaw(view.Output(bytes));
        }
        else
        {
            Console.WriteRaw(bytes);
        }

        _lastByte = bytes[^1];
    }

    private static TimeSpan Backoff(int failures) => TimeSpan.FromMilliseconds(Math.Min(1000, 20 * failures));

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

    /// <summary>
    /// Sends keystrokes in order, batched while a request is under way and split into pieces the daemon accepts
    /// (<see cref="InputChunks"/>). A daemon that is gone (restarting) or a session that is not live for the moment
    /// (the daemon re-verifying its lane) is retried like the output stream reconnects; once the session has ended
    /// input stops quietly (the output side reports the end). Anything else ends the attachment (a CliException).
    /// </summary>
    private async Task SendInputAsync(CancellationToken ct)
    {
        var pending = new List<byte>();
        var max = InputChunks.DefaultMax;
        while (await _input.Reader.WaitToReadAsync(ct))
        {
            pending.Clear();
            while (_input.Reader.TryRead(out var chunk))
            {
                pending.AddRange(chunk);
            }

            var bytes = pending.ToArray();
            var offset = 0;
            while (offset < bytes.Length)
            {
                var length = InputChunks.FirstLength(bytes.AsSpan(offset), max);
                switch (await SendPieceAsync(bytes.AsSpan(offset, length).ToArray(), ct))
                {
                    case PieceResult.Sent:
                        offset += length;
                        break;
                    case PieceResult.TooLarge when max > 256:
                        // The daemon's limit is lower than ours: smaller pieces.
                        max /= 2;
                        break;
                    case PieceResult.TooLarge:
                        throw new CliException(ErrorCodes.PayloadTooLarge, "the daemon refuses even small input requests");
                    case PieceResult.SessionEnded:
                        return;
                }
            }
        }
    }

    private async Task<PieceResult> SendPieceAsync(byte[] bytes, CancellationToken ct)
    {
        var request = Utf8Valid(bytes)
            ? new InputRequest { Data = Encoding.UTF8.GetString(bytes) }
            : new InputRequest { DataBase64 = Convert.ToBase64String(bytes) };
        var json = JsonSerializer.Serialize(request, CovenJsonContext.Default.InputRequest);
        var failures = 0;
        while (true)
        {
            CliException error;
            try
            {
                await _client.SendAsync(HttpVerb.Post, $"api/v1/sessions/{_sessionId}/input", json, ct);
                return PieceResult.Sent;
            }
            catch (CliException e) when (e.Code == ErrorCodes.PayloadTooLarge)
            {
                return PieceResult.TooLarge;
            }
            catch (CliException e) when (e.Code == "daemon_unreachable")
            {
                // A daemon that died after taking the request but before answering may get these keys twice; losing
                // them silently is what this replaces.
                error = e;
            }
            catch (CliException e) when (e.ExitCode == ExitCodes.InvalidState)
            {
                if (!await StillLiveAsync(ct))
                {
                    return PieceResult.SessionEnded;
                }

                error = e;
            }

            if (++failures > MaxFailures)
            {
                throw error;
            }

            await Task.Delay(Backoff(failures), ct);
        }
    }

    /// <summary>Whether the session is still live or pending (a daemon that cannot be asked counts as "maybe").</summary>
    private async Task<bool> StillLiveAsync(CancellationToken ct)
    {
        try
        {
            var session = await _client.GetAsync($"api/v1/sessions/{_sessionId}", CovenJsonContext.Default.SessionDto, ct);
            return session.Status is "live" or "pending";
        }
        catch (CliException e) when (e.Code == "daemon_unreachable")
        {
            return true;
        }
    }

    private enum PieceResult
    {
        Sent,
        TooLarge,
        SessionEnded,
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
