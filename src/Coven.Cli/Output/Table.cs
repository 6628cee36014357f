using System.Text;

namespace Coven.Cli.Output;

/// <summary>A left-aligned text table in the style of <c>docker ps</c>/<c>kubectl get</c>: a header, two spaces between columns.</summary>
internal sealed class Table
{
    private readonly string[] _headers;
    private readonly List<(string Text, string Style)[]> _rows = [];

    public Table(params string[] headers) => _headers = headers;

    public int Count => _rows.Count;

    /// <summary>Adds a row; a cell's style (an SGR prefix) is applied after padding so widths stay right.</summary>
    public void Add(params (string Text, string Style)[] cells) => _rows.Add(cells);

    public void Add(params string[] cells) => _rows.Add([.. cells.Select(c => (c, string.Empty))]);

    public void Write(TextWriter writer, bool color)
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
