using System.Runtime.InteropServices;
using Coven.Interop;

namespace Coven.Core;

/// <summary>
/// The filesystem boundary of a session: an explicit, existing, canonical project root, and a working
/// directory that resolves (after symlinks) inside it, compared component-wise.
/// </summary>
public static class PathPolicy
{
    private const int MaxPathBytes = 4095;

    /// <param name="projectRoot">Absolute path of the root.</param>
    /// <param name="cwd">Null/empty for the root itself; relative paths are taken from the root.</param>
    public static PathResolution Resolve(string? projectRoot, string? cwd)
    {
        if (string.IsNullOrEmpty(projectRoot))
        {
            return PathResolution.Fail(PathErrorKind.ProjectRootInvalid, "projectRoot is required.");
        }

        if (!IsUsablePath(projectRoot, out var why))
        {
            return PathResolution.Fail(PathErrorKind.ProjectRootInvalid, $"projectRoot {why}.");
        }

        if (!Path.IsPathRooted(projectRoot))
        {
            return PathResolution.Fail(PathErrorKind.ProjectRootInvalid, $"projectRoot must be absolute: '{projectRoot}'.");
        }

        if (!TryCanonicalize(projectRoot, out var root))
        {
            return PathResolution.Fail(PathErrorKind.ProjectRootInvalid, $"projectRoot does not exist: '{projectRoot}'.");
        }

        if (!Directory.Exists(root))
        {
            return PathResolution.Fail(PathErrorKind.ProjectRootInvalid, $"projectRoot is not a directory: '{projectRoot}'.");
        }

        // The filesystem root bounds nothing: every cwd would be "inside" it.
        if (root == "/")
        {
            return PathResolution.Fail(PathErrorKind.ProjectRootInvalid, $"projectRoot '{projectRoot}' is the filesystem root, which is no project boundary; use the project's own directory.");
        }

        if (string.IsNullOrEmpty(cwd))
        {
            return new PathResolution { ProjectRoot = root, WorkingDirectory = root };
        }

        if (!IsUsablePath(cwd, out why))
        {
            return PathResolution.Fail(PathErrorKind.WorkingDirectoryInvalid, $"cwd {why}.");
        }

        var joined = Path.IsPathRooted(cwd) ? cwd : Path.Combine(root, cwd);

        // Lexical check first, so ".." escapes are refused without probing the filesystem outside the root;
        // the canonical check below then catches symlinks that point out.
        var lexical = Path.GetFullPath(joined);
        if (!IsInside(root, lexical) && !IsInside(projectRoot.TrimEnd('/'), lexical))
        {
            return PathResolution.Fail(PathErrorKind.OutsideRoot, $"cwd '{cwd}' is outside the project root '{root}'.");
        }

        if (!TryCanonicalize(joined, out var resolved))
        {
            return PathResolution.Fail(PathErrorKind.WorkingDirectoryInvalid, $"cwd does not exist: '{cwd}'.");
        }

        if (!IsInside(root, resolved))
        {
            return PathResolution.Fail(PathErrorKind.OutsideRoot, $"cwd '{cwd}' resolves to '{resolved}', outside the project root '{root}'.");
        }

        if (!Directory.Exists(resolved))
        {
            return PathResolution.Fail(PathErrorKind.WorkingDirectoryInvalid, $"cwd is not a directory: '{cwd}'.");
        }

        return new PathResolution { ProjectRoot = root, WorkingDirectory = resolved };
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it, component by component.</summary>
    public static bool IsInside(string root, string path)
    {
        var r = root.Length > 1 ? root.TrimEnd('/') : root;
        if (r == "/")
        {
            return path.StartsWith('/');
        }

        return path == r || (path.StartsWith(r, StringComparison.Ordinal) && path.Length > r.Length && path[r.Length] == '/');
    }

    /// <summary>realpath(3): resolves every symlink and "..", fails when any component is missing.</summary>
    public static bool TryCanonicalize(string path, out string canonical)
    {
        canonical = string.Empty;
        var result = Libc.RealPath(path, 0);
        if (result == 0)
        {
            return false;
        }

        try
        {
            canonical = Marshal.PtrToStringUTF8(result) ?? string.Empty;
            return canonical.Length > 0;
        }
        finally
        {
            Libc.Free(result);
        }
    }

    private static bool IsUsablePath(string path, out string why)
    {
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            why = "contains a NUL byte";
            return false;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(path) > MaxPathBytes)
        {
            why = $"is longer than {MaxPathBytes} bytes";
            return false;
        }

        why = string.Empty;
        return true;
    }
}
