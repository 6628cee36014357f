using System.Runtime.InteropServices;

namespace Coven.Cli.Interop;

/// <summary>struct winsize of &lt;sys/ioctl.h&gt;.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct WinSize
{
    public ushort Rows;
    public ushort Cols;
    public ushort XPixel;
    public ushort YPixel;
}
