namespace Coven.Terminal;

/// <summary>Character sets that can be designated into G0/G1.</summary>
internal enum Charset : byte
{
    Ascii = 0,

    /// <summary>DEC special graphics (line drawing), still emitted by curses programs via smacs.</summary>
    DecSpecialGraphics = 1,
}
