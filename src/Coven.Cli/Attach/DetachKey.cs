namespace Coven.Cli.Attach;

/// <summary>Parses the detach key: "ctrl-]" (default), "^]", "C-x", "ctrl-q", or "none".</summary>
internal static class DetachKey
{
    public const byte Default = 0x1d;

    /// <summary>The byte of the key, or -1 for "none" (never detach by key).</summary>
    public static bool TryParse(string? text, out int key)
    {
        key = Default;
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        var t = text.Trim().ToLowerInvariant();
        if (t == "none")
        {
            key = -1;
            return true;
        }

        string? rest = null;
        foreach (var prefix in new[] { "ctrl-", "ctrl+", "c-", "^" })
        {
            if (t.StartsWith(prefix, StringComparison.Ordinal))
            {
                rest = t[prefix.Length..];
                break;
            }
        }

        if (rest is not { Length: 1 })
        {
            return false;
        }

        var c = char.ToUpperInvariant(rest[0]);
        if (c is < '@' or > '_')
        {
            return false;
        }

        key = c & 0x1f;
        return true;
    }

    public static string Describe(int key) => key < 0 ? "none" : "Ctrl-" + (char)(key | 0x40);
}
