using System.Text;

namespace Coven.Cli.Output;

/// <summary>A left-aligned text table in the style of <c>docker ps</c>/<c>kubectl get</c>: a header, two spaces between columns.</summary>
internal sealed class Table
{
    private readonly string[] _headers;
    private readonly List<(string Text, string Style)[]> _rows = [];
    private int[]? _limits;
    private bool[]? _fromStart;

    public Table(params string[] headers) => _headers = headers;

    public int Count => _rows.Count;

    /// <summary>Adds a row; a cell's style (an SGR prefix) is applied after padding so widths stay right.</summary>
    public void Add(params (string Text, string Style)[] cells) => _rows.Add(cells);

    public void Add(params string[] cells) => _rows.Add([.. cells.Select(c => (c, string.Empty))]);

    /// <summary>
    /// Makes the table at most <paramref name="width"/> columns wide, so a terminal never wraps it: the given columns
    /// are shortened (widest first, each not below its minimum, with an ellipsis at the end, or at the start for
    /// <c>FromStart</c>); if that is not enough, the last column is cut further.
    /// </summary>
    public void Fit(int width, params (int Column, int Min, bool FromStart)[] shrink)
    {
        var widths = Widths();
        _limits = [.. widths];
        _fromStart = new bool[widths.Length];
        foreach (var c in shrink)
        {
            _fromStart[c.Column] = c.FromStart;
        }

        var excess = widths.Sum() + (2 * (widths.Length - 1)) - width;
        while (excess > 0)
        {
            var pick = shrink.Where(c => _limits[c.Column] > c.Min).OrderByDescending(c => _limits[c.Column]).FirstOrDefault();
            if (pick == default)
            {
                break;
            }

            var others = shrink.Where(c => c.Column != pick.Column).Select(c => _limits[c.Column]).DefaultIfEmpty(0).Max();
            var cut = Math.Min(excess, Math.Min(_limits[pick.Column] - pick.Min, Math.Max(1, _limits[pick.Column] - others)));
            _limits[pick.Column] -= cut;
            excess -= cut;
        }

        if (excess > 0)
        {
            _limits[^1] = Math.Max(1, _limits[^1] - excess);
        }
    }

    private int[] Widths()
    {
        var widths = new int[_headers.Length];
        for (var i = 0; i < _headers.Length; i++)
        {
            widths[i] = TextWidth.Of(_headers[i]);
            foreach (var row in _rows)
            {
                widths[i] = Math.Max(widths[i], TextWidth.Of(row[i].Text));
            }
        }

        return widths;
    }

    private string Cell(string text, int column) =>
        _limits is null || TextWidth.Of(text) <= _limits[column] ? text
        : _fromStart![column] ? TextWidth.TruncateStart(text, _limits[column])
        : TextWidth.Truncate(text, _limits[column]);

    public void Write(TextWriter writer, bool color)
    {
        if (_limits is not null)
        {
            for (var r = 0; r < _rows.Count; r++)
            {
                _rows[r] = [.. _rows[r].Select((c, i) => (Cell(c.Text, i), c.Style))];
            }
        }

        var widths = Widths();

        var line = new StringBuilder();
        for (var i = 0; i < _headers.Length; i++)
        {
            AppendCell(line, _headers[i], color ? Ansi.Bold : string.Empty, widths[i], i == _headers.Length - 1);
        }

        writer.WriteLine(line.ToString().TrimEnd());
        foreach (var row in _rows)
        {
            line.Clear();
            for (var i = 0; i < _headers.Length; i++)
            {
                AppendCell(line, row[i].Text, color ? row[i].Style : string.Empty, widths[i], i == _headers.Length - 1);
            }

            writer.WriteLine(line.ToString().TrimEnd());
        }
    }

    private static void AppendCell(StringBuilder line, string text, string style, int width, bool last)
    {
        if (style.Length > 0)
        {
            line.Append(style).Append(text).Append(Ansi.Reset);
        }
        else
        {
            line.Append(text);
        }

        if (!last)
        {
            line.Append(' ', width - TextWidth.Of(text) + 2);
        }
    }
}
