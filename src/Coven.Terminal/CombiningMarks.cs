namespace Coven.Terminal;

/// <summary>
/// The combining-mark sequences on a screen, interned and referred to from cells by a small id (0 = none).
/// Cells then hold no object reference, so filling, clearing and copying rows are plain memory operations
/// without GC write barriers: the PTY reader of a lane feeds every byte through the screen, and this was
/// a third of its time on scrolling text (docs/benchmarks-lane.md).
/// </summary>
/// <remarks>
/// Bounded: at most <see cref="Capacity"/> distinct sequences. When the table is full the owning screen
/// rebuilds it from the ids its cells still use (<see cref="Rebuild"/>); if every entry is still in use, a
/// new mark is dropped (the base character stays), which only pathological output can cause.
/// </remarks>
internal sealed class CombiningMarks
{
    public const int DefaultCapacity = 1 << 16;

    private readonly List<string> _texts = [string.Empty];
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);

    public CombiningMarks(int capacity = DefaultCapacity)
    {
        Capacity = Math.Max(1, capacity);
    }

    public int Capacity { get; }

    /// <summary>Number of distinct sequences held.</summary>
    public int Count => _texts.Count - 1;

    /// <summary>The marks of <paramref name="id"/>; null for 0 (no marks).</summary>
    public string? Text(int id) => id == 0 ? null : _texts[id];

    /// <summary>The id of <paramref name="text"/>, adding it; false when the table is full.</summary>
    public bool TryIntern(string text, out int id)
    {
        if (_ids.TryGetValue(text, out id))
        {
            return true;
        }

        if (Count >= Capacity)
        {
            id = 0;
            return false;
        }

        id = _texts.Count;
        _texts.Add(text);
        _ids[text] = id;
        return true;
    }

    /// <summary>
    /// Keeps only the sequences still referenced by <paramref name="cellSpans"/>, renumbering the cells in place.
    /// </summary>
    public void Rebuild(IEnumerable<Memory<Cell>> cellSpans)
    {
        var old = _texts.ToArray();
        var remap = new Dictionary<int, int>();
        _texts.RemoveRange(1, _texts.Count - 1);
        _ids.Clear();
        foreach (var memory in cellSpans)
        {
            foreach (ref var cell in memory.Span)
            {
                if (cell.Combining == 0)
                {
                    continue;
                }

                if (!remap.TryGetValue(cell.Combining, out var id))
                {
                    id = _texts.Count;
                    _texts.Add(old[cell.Combining]);
                    _ids[old[cell.Combining]] = id;
                    remap[cell.Combining] = id;
                }

                cell.Combining = id;
            }
        }
    }
}
