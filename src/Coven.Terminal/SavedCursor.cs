namespace Coven.Terminal;

/// <summary>
/// State stored by DECSC / CSI s and restored by DECRC / CSI u: position, pending wrap, rendition,
/// origin mode and character sets. Not DECAWM, which VT510 and xterm leave alone.
/// </summary>
internal struct SavedCursor
{
    public bool IsSet;
    public int Row;
    public int Column;
    public bool PendingWrap;
    public CellStyle Style;
    public bool OriginMode;
    public Charset G0;
    public Charset G1;
    public int ActiveSet;
}
