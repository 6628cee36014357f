namespace Coven.Terminal;

/// <summary>State stored by DECSC / CSI s and restored by DECRC / CSI u.</summary>
internal struct SavedCursor
{
    public bool IsSet;
    public int Row;
    public int Column;
    public bool PendingWrap;
    public CellStyle Style;
    public bool OriginMode;
    public bool AutoWrap;
    public Charset G0;
    public Charset G1;
    public int ActiveSet;
}
