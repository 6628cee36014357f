using Xunit;

namespace Coven.TestSupport;

/// <summary>
/// A section of a doc between <c>BEGIN GENERATED</c>/<c>END GENERATED</c> markers that must equal what the code
/// generates now; with <c>COVEN_UPDATE_DOCS=1</c> it is rewritten instead of failing.
/// </summary>
public static class GeneratedDoc
{
    public const string End = "<!-- END GENERATED -->";

    /// <summary>Fails unless the section after <paramref name="begin"/> of docs/<paramref name="doc"/> is <paramref name="expected"/>.</summary>
    public static void AssertCurrent(string doc, string begin, string expected, string regenerate)
    {
        var docPath = Path.Combine(RepoPaths.Root, "docs", doc);
        var text = File.ReadAllText(docPath);
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf(End, start, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"{docPath} lacks the generated-section markers");
        var embedded = text[(start + begin.Length)..end].Trim();

        if (embedded != expected && Environment.GetEnvironmentVariable("COVEN_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(docPath, text[..(start + begin.Length)] + "\n" + expected + "\n" + text[end..]);
            return;
        }

        Assert.True(embedded == expected, $"docs/{doc} is stale; regenerate with: COVEN_UPDATE_DOCS=1 {regenerate}\nexpected:\n{expected}");
    }
}
