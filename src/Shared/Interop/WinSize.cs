using System.Runtime.InteropServices;

namespace Coven.Interop;

/// <summary><c>struct winsize</c> from &lt;asm-generic/termios.h&gt;.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct WinSize
{
    public ushort Rows;
    public ushort Columns;
    public ushort XPixels;
    public ushort YPixels;
}
