using System.Buffers;
using Coven.Pty;

namespace Coven.Lane.Output;

/// <summary>
/// The PTY reader thread: bytes → terminal filter (answers go back to the PTY, queries are not recorded) → recorder.
/// Ends at end of output and then completes the recorder.
/// </summary>
internal sealed class OutputPump
{
    private const int ReadBufferSize = 64 * 1024;

    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PtyProcess _pty;
    private readonly TerminalState _terminal;
    private readonly InputWriter _input;
    private readonly EventRecorder _recorder;
    private readonly LaneLog _log;
    private readonly ActivityMonitor _activity;

    public OutputPump(PtyProcess pty, TerminalState terminal, InputWriter input, EventRecorder recorder, ActivityMonitor activity, LaneLog log)
    {
        _activity = activity;
        _pty = pty;
        _terminal = terminal;
        _input = input;
        _recorder = recorder;
        _log = log;
    }

    /// <summary>Completes at end of output, after everything read was handed to the recorder.</summary>
    public Task Completion => _completion.Task;

    private long _reads;

    public long BytesRead { get; private set; }

    public void Start()
    {
        new Thread(Run) { IsBackground = true, Name = "lane-pty-reader" }.Start();
    }

    private void Run()
    {
        var buffer = new byte[ReadBufferSize];
        var recorded = new ArrayBufferWriter<byte>(ReadBufferSize);
        try
        {
            while (true)
            {
                var n = _pty.Read(buffer);
                if (n == 0)
                {
                    break;
                }

                BytesRead += n;
                _activity.Touch();
                _reads++;
                recorded.ResetWrittenCount();
                var replies = _terminal.Process(buffer.AsSpan(0, n), recorded);
                if (replies is not null)
                {
                    _input.Post(replies);
                }

                if (recorded.WrittenCount > 0)
                {
                    _recorder.Add(recorded.WrittenSpan.ToArray());
                }
            }
        }
        catch (Exception ex)
        {
            _log.Error("reading the PTY failed", ex);
        }
        finally
        {
            recorded.ResetWrittenCount();
            _terminal.Flush(recorded);
            if (recorded.WrittenCount > 0)
            {
                _recorder.Add(recorded.WrittenSpan.ToArray());
            }

            _recorder.Complete();
            _log.Info($"end of output: {BytesRead} bytes in {_reads} reads, reader cpu {ThreadCpu.CurrentThreadMs()} ms");
            _completion.TrySetResult();
        }
    }
}
