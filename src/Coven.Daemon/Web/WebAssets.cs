using System.Collections.Frozen;

namespace Coven.Daemon.Web;

/// <summary>
/// The cockpit's files, embedded in covend at build time (Coven.Daemon.csproj): the page, its script and style, and
/// xterm.js from the npm registry. Read once, served from memory.
/// </summary>
internal static class WebAssets
{
    /// <summary>The files of packages the build installs with npm; without them the cockpit cannot run.</summary>
    public static readonly string[] Vendored = ["xterm.mjs", "xterm.css", "addon-fit.mjs"];

    private static readonly FrozenDictionary<string, (byte[] Bytes, string ContentType)> s_files = Load();

    /// <summary>True when the build embedded the npm packages' files (npm was there at build time).</summary>
    public static bool Built => Vendored.All(s_files.ContainsKey);

    public static bool TryGet(string name, out byte[] bytes, out string contentType)
    {
        if (s_files.TryGetValue(name, out var file))
        {
            (bytes, contentType) = file;
            return true;
        }

        (bytes, contentType) = ([], string.Empty);
        return false;
    }

    private static FrozenDictionary<string, (byte[], string)> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var files = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith("web/", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource["web/".Length..];
            files[name] = (copy.ToArray(), ContentType(name));
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".png" => "image/png",
        _ => "application/octet-stream",
    };
}
