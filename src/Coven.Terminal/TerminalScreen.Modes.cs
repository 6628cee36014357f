using System.Text;

namespace Coven.Terminal;

// Input and cursor modes that change no cells: keypad, mouse, focus, keyboard protocols, cursor style.
public sealed partial class TerminalScreen
{
    // Pushes beyond this drop the oldest pushed entry (the kitty protocol asks for a bound against floods).
    private const int MaxKittyPushes = 16;

    private readonly List<int> _kittyMain = [0];
    private readonly List<int> _kittyAlt = [0];
    private bool _applicationKeypad;
    private bool _focusEvents;
    private int _mouseTracking;
    private int _mouseEncoding;
    private int _cursorStyle;
    private int _modifyOtherKeys;

    /// <summary>The input, cursor and margin modes in force (a copy).</summary>
    public TerminalModes Modes
    {
        get
        {
            var pen = new StringBuilder();
            TextRender.AppendSgr(pen, _style);
            return new TerminalModes
            {
                ApplicationCursorKeys = _applicationCursorKeys,
                ApplicationKeypad = _applicationKeypad,
                AutoWrap = _autoWrap,
                OriginMode = _originMode,
                InsertMode = _insertMode,
                CursorVisible = CursorVisible,
                CursorStyle = _cursorStyle,
                ScrollTop = _scrollTop,
                ScrollBottom = _scrollBottom,
                MouseTracking = _mouseTracking,
                MouseEncoding = _mouseEncoding,
                FocusEvents = _focusEvents,
                BracketedPaste = BracketedPaste,
                KittyKeyboard = [.. Kitty],
                ModifyOtherKeys = _modifyOtherKeys,
                Pen = pen.ToString(2, pen.Length - 3),
            };
        }
    }

    private List<int> Kitty => AltScreen ? _kittyAlt : _kittyMain;

    /// <summary>DEC private modes that only change how input is reported; false when <paramref name="mode"/> is not one.</summary>
    private bool SetInputMode(int mode, bool on)
    {
        switch (mode)
        {
            case 9:
            case 1000:
            case 1002:
            case 1003:
                // One tracking mode at a time (xterm): setting one replaces the other, resetting the one in force ends it.
                if (on)
                {
                    _mouseTracking = mode;
                }
                else if (_mouseTracking == mode)
                {
                    _mouseTracking = 0;
                }

                return true;
            case 1005:
            case 1006:
            case 1015:
                if (on)
                {
                    _mouseEncoding = mode;
                }
                else if (_mouseEncoding == mode)
                {
                    _mouseEncoding = 0;
                }

                return true;
            case 1004:
                _focusEvents = on;
                return true;
            case 66:
                // DECNKM: the same switch as DECKPAM/DECKPNM.
                _applicationKeypad = on;
                return true;
            default:
                return false;
        }
    }

    /// <summary><c>CSI &gt;</c>, <c>CSI &lt;</c> and <c>CSI =</c> sequences: the kitty keyboard stack and modifyOtherKeys.</summary>
    private void KeyboardProtocol(byte final)
    {
        var kitty = Kitty;
        switch ((_prefix, final))
        {
            case ((byte)'>', (byte)'u'):
                kitty.Add(ParamOrZero(0));
                if (kitty.Count > MaxKittyPushes + 1)
                {
                    kitty.RemoveAt(1);
                }

                break;
            case ((byte)'<', (byte)'u'):
                var n = Param(0, 1);
                if (n >= kitty.Count - 1)
                {
                    // Emptying the stack resets every flag.
                    kitty.Clear();
                    kitty.Add(0);
                }
                else
                {
                    kitty.RemoveRange(kitty.Count - n, n);
                }

                break;
            case ((byte)'=', (byte)'u'):
                var flags = ParamOrZero(0);
                kitty[^1] = Param(1, 1) switch
                {
                    2 => kitty[^1] | flags,
                    3 => kitty[^1] & ~flags,
                    _ => flags,
                };
                break;
            case ((byte)'>', (byte)'m') when ParamOrZero(0) == 4:
                _modifyOtherKeys = Math.Clamp(ParamOrZero(1), 0, 2);
                break;
            case ((byte)'>', (byte)'n') when ParamOrZero(0) == 4:
                _modifyOtherKeys = 0;
                break;
        }
    }

    /// <summary>DECSCUSR (<c>CSI n SP q</c>).</summary>
    private void SetCursorStyle()
    {
        var style = ParamOrZero(0);
        if (style <= 6)
        {
            _cursorStyle = style;
        }
    }

    private void ResetInputModes()
    {
        _applicationKeypad = false;
        _focusEvents = false;
        _mouseTracking = 0;
        _mouseEncoding = 0;
        _cursorStyle = 0;
        _modifyOtherKeys = 0;
        _kittyMain.Clear();
        _kittyMain.Add(0);
        _kittyAlt.Clear();
        _kittyAlt.Add(0);
    }
}
