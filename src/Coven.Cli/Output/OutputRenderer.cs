using System.Buffers;
using Coven.Terminal;

namespace Coven.Cli.Output;

/// <summary>
/// Readable output for <c>coven logs</c>: the recorded bytes replayed through the terminal model
/// (<see cref="TranscriptRenderer"/>) at the session's size, so text that programs place with cursor movements
/// (Claude Code positions words with <c>CSI n G</c>) reads as a person saw it: lines that scrolled off, then the
/// last screen. Holds the whole output until <see cref="Render"/>; the daemon stores it anyway.
/// </summary>
internal sealed class OutputRenderer(int columns, int rows)
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);

    public void Append(ReadOnlySpan<byte> data) => _output.Write(data);

    public string Render() => TranscriptRenderer.Render(_output.WrittenSpan, columns > 0 ? columns : 120, rows > 0 ? rows : 40);
}
