using System.Text;

namespace Coven.Cli.Output;

/// <summary>
/// <c>coven logs --grep</c>: splits rendered text (of <see cref="Core.Text.LineRenderer"/>) into lines and writes
/// the matching ones, with <c>context</c> lines before and after and <c>--</c> between groups that are not
/// adjacent, as grep -C does. Keeps the unfinished line between chunks.
/// </summary>
internal sealed class LineGrep(Func<string, bool> match, int context, TextWriter output)
{
    private readonly StringBuilder _partial = new();
    private readonly Queue<string> _before = new();
    private long _line;
    private long _lastPrinted = -1;
    private int _afterLeft;

    public long Matches { get; private set; }

    public void Feed(string rendered)
    {
        foreach (var c in rendered)
        {
            if (c == '\n')
            {
                Line(_partial.ToString());
                _partial.Clear();
            }
            else
            {
                _partial.Append(c);
            }
        }
    }

    /// <summary>The output ended: an unfinished last line counts too.</summary>
    public void Flush()
    {
        if (_partial.Length > 0)
        {
            Line(_partial.ToString());
            _partial.Clear();
        }
    }

    private void Line(string text)
    {
        _line++;
        if (match(text))
        {
            if (context > 0 && _lastPrinted >= 0 && _line - _before.Count > _lastPrinted + 1)
            {
                output.WriteLine("--");
            }

            while (_before.Count > 0)
            {
                output.WriteLine(_before.Dequeue());
            }

            output.WriteLine(text);
            Matches++;
            _lastPrinted = _line;
            _afterLeft = context;
        }
        else if (_afterLeft > 0)
        {
            output.WriteLine(text);
            _afterLeft--;
            _lastPrinted = _line;
        }
        else if (context > 0)
        {
            _before.Enqueue(text);
            if (_before.Count > context)
            {
                _before.Dequeue();
            }
        }
    }
}
