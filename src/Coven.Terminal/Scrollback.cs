namespace Coven.Terminal;

/// <summary>
/// Bounded ring of lines that scrolled off the top of the main screen. Row arrays are reused once
/// the ring is full, so steady-state scrolling allocates nothing.
/// </summary>
internal sealed class Scrollback
{
    private readonly int _capacity;
    private readonly CombiningMarks _marks;
    private Cell[]?[] _rows;
    private bool[] _wrapped;
    private int _start;

    public Scrollback(int capacity, CombiningMarks marks)
    {
        _marks = marks;
        _capacity = Math.Max(0, capacity);
        int initial = Math.Min(_capacity, 64);
        _rows = new Cell[initial][];
        _wrapped = new bool[initial];
    }

    public int Count { get; private set; }

    /// <summary>True when lines that scroll off are neither kept nor handed to a <see cref="Sink"/>.</summary>
    public bool KeepsNothing => _capacity == 0 && Sink is null;

    /// <summary>Receives each scrolled-off line as text, in order (used by the transcript renderer).</summary>
    public Action<string>? Sink { get; set; }

    public void Push(ReadOnlySpan<Cell> row, bool wrapped)
    {
        if (Sink is not null)
        {
            Sink(TextRender.Line(row, _marks));
        }

        if (_capacity == 0)
        {
            return;
        }

        int slot;
        if (Count < _capacity)
        {
            if (Count == _rows.Length)
            {
                Grow();
            }

            slot = (_start + Count) % _rows.Length;
            Count++;
        }
        else
        {
            slot = _start;
            _start = (_start + 1) % _rows.Length;
        }

        var target = _rows[slot];
        if (target is null || target.Length != row.Length)
        {
            target = new Cell[row.Length];
            _rows[slot] = target;
        }

        row.CopyTo(target);
        _wrapped[slot] = wrapped;
    }

    public string Line(int index)
    {
        var row = _rows[(_start + index) % _rows.Length];
        return row is null ? string.Empty : TextRender.Line(row, _marks);
    }

    public IReadOnlyList<string> Lines()
    {
        var lines = new string[Count];
        for (int i = 0; i < Count; i++)
        {
            lines[i] = Line(i);
        }

        return lines;
    }

    /// <summary>Every row array held (including reusable ones past <see cref="Count"/>), for renumbering mark ids.</summary>
    public IEnumerable<Cell[]> RowArrays()
    {
        foreach (var row in _rows)
        {
            if (row is not null)
            {
                yield return row;
            }
        }
    }

    public void Clear()
    {
        // Row arrays stay for reuse: programs clear history often (ED 3) and must not cause churn.
        _start = 0;
        Count = 0;
    }

    private void Grow()
    {
        // Only called while not yet wrapped around, so _start is 0 and the order is linear.
        int size = Math.Min(_capacity, Math.Max(64, _rows.Length * 2));
        Array.Resize(ref _rows, size);
        Array.Resize(ref _wrapped, size);
    }
}
