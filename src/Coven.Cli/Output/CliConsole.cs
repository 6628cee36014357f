using System.Text;
using Coven.Interop;

namespace Coven.Cli.Output;

/// <summary>
/// The process's standard streams. Writes go straight to fds 1 and 2 through plain streams, not through
/// System.Console: the console class initialises terminfo and terminal state on first use, which costs
/// start-up time and fights with the raw mode of <c>coven attach</c>.
/// </summary>
internal sealed class CliConsole : IDisposable
{
    private static readonly UTF8Encoding s_utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private readonly Stream? _stdout;
    private readonly Stream? _stderr;

    private CliConsole(TextWriter @out, TextWriter error, Stream? stdout, Stream? stderr, bool outIsTerminal, bool inIsTerminal, bool errIsTerminal, Func<string, string?> env)
    {
        Out = @out;
        Error = error;
        _stdout = stdout;
        _stderr = stderr;
        OutIsTerminal = outIsTerminal;
        InIsTerminal = inIsTerminal;
        ErrorIsTerminal = errIsTerminal;
        Env = env;
        Color = outIsTerminal && string.IsNullOrEmpty(env("NO_COLOR")) && env("TERM") != "dumb";
        ErrorColor = errIsTerminal && string.IsNullOrEmpty(env("NO_COLOR")) && env("TERM") != "dumb";
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public bool OutIsTerminal { get; }
    public bool InIsTerminal { get; }
    public bool ErrorIsTerminal { get; }

    /// <summary>Colour on stdout: only on a terminal, never with NO_COLOR or TERM=dumb.</summary>
    public bool Color { get; }

    public bool ErrorColor { get; }

    /// <summary>Environment lookup (tests substitute their own).</summary>
    public Func<string, string?> Env { get; }

    /// <summary>Raw stdout for exact bytes (logs --raw, attach); null in tests that capture text.</summary>
    public Stream? RawOut => _stdout;

    public static CliConsole ForProcess()
    {
        var stdout = new FdWriteStream(1);
        var stderr = new FdWriteStream(2) { DiscardWhenBroken = true };
        var outWriter = new StreamWriter(stdout, s_utf8, 4 * 1024) { AutoFlush = false, NewLine = "\n" };
        var errWriter = new StreamWriter(stderr, s_utf8, 1024) { AutoFlush = true, NewLine = "\n" };
        return new CliConsole(
            outWriter,
            errWriter,
            stdout,
            stderr,
            Libc.IsAtty(1) == 1,
            Libc.IsAtty(0) == 1,
            Libc.IsAtty(2) == 1,
            Environment.GetEnvironmentVariable);
    }

    public static CliConsole ForTest(TextWriter @out, TextWriter error, Func<string, string?>? env = null) =>
        new(@out, error, null, null, false, false, false, env ?? (_ => null));

    /// <summary>Writes bytes exactly as given (after flushing pending text).</summary>
    public void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (_stdout is null)
        {
            Out.Write(Encoding.UTF8.GetString(bytes));
            return;
        }

        Out.Flush();
        _stdout.Write(bytes);
    }

    public void Dispose()
    {
        try
        {
            Out.Flush();
            Error.Flush();
        }
        catch (IOException)
        {
            // stdout closed early (e.g. `coven logs | head`): nothing left to say.
        }

        _stdout?.Dispose();
        _stderr?.Dispose();
    }
}
