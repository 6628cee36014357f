using System.Runtime.InteropServices;

namespace Coven.Terminal;

/// <summary>
/// Colours and attributes of a cell. Colours are packed in a <see cref="uint"/>: 0 is the terminal
/// default, <c>0x01_0000nn</c> a palette index, <c>0x02_rrggbb</c> a truecolor value.
/// </summary>
/// <remarks>Packed to 10 bytes so that a <see cref="Cell"/> fits in 24 bytes instead of 32.</remarks>
[StructLayout(LayoutKind.Sequential, Pack = 2)]
internal readonly record struct CellStyle(uint Foreground, uint Background, CellAttributes Attributes)
{
    public const uint PaletteTag = 0x0100_0000;
    public const uint RgbTag = 0x0200_0000;

    public static CellStyle Default => default;

    public static uint Palette(int index) => PaletteTag | (uint)(index & 0xFF);

    public static uint Rgb(int r, int g, int b) => RgbTag | ((uint)(r & 0xFF) << 16) | ((uint)(g & 0xFF) << 8) | (uint)(b & 0xFF);
}
