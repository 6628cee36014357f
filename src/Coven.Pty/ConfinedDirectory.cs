using System.Runtime.InteropServices;
using Coven.Interop;

namespace Coven.Pty;

/// <summary>
/// Opens a working directory beneath a project root without following anything out of it, at the moment of the
/// spawn: the child then fchdir()s to the returned descriptor, so swapping a path component for a symlink between
/// a check and the chdir cannot move the harness outside the root (issue 12 item 1).
/// </summary>
/// <remarks>
/// openat2 with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (Linux 5.6+): a relative symlink that stays inside the root
/// is followed, anything that would leave it (any absolute symlink, ".." above the root, a /proc magic link) fails
/// with EXDEV/ELOOP. The daemon records the canonical cwd, so only a symlink swapped in after its check is ever met.
/// RESOLVE_BENEATH rather than RESOLVE_IN_ROOT: IN_ROOT would silently reinterpret a symlink to /etc as ROOT/etc and
/// start the harness in a directory nobody asked for; BENEATH refuses, and the launch fails with a clear reason.
/// Without openat2 (ENOSYS, or EPERM from a seccomp filter) the path is walked one component at a time with
/// openat(O_NOFOLLOW), which refuses every symlink on the way (stricter, never looser).
/// </remarks>
internal static unsafe class ConfinedDirectory
{
    /// <summary>An O_PATH descriptor of the directory and its real path, or an error.</summary>
    public static bool TryOpen(string root, string directory, out int fd, out string resolved, out PtyErrorKind kind, out string error)
    {
        fd = -1;
        resolved = string.Empty;
        kind = PtyErrorKind.WorkingDirectoryOutsideRoot;
        var relative = Path.GetRelativePath(root, directory);
        if (!Path.IsPathFullyQualified(root) || !Path.IsPathFullyQualified(directory) || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            error = $"The working directory '{directory}' is not inside the project root '{root}'.";
            return false;
        }

        using var native = new NativeUtf8();
        var rootFd = OpenPath(root);
        if (rootFd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            kind = PtyErrorKind.WorkingDirectoryNotFound;
            error = $"The project root '{root}' cannot be opened: {Marshal.GetPInvokeErrorMessage(errno)}.";
            return false;
        }

        // The root is recorded canonical; if a component of it was swapped since, the fd names another directory.
        if (RealPath(rootFd) != root)
        {
            _ = Libc.Close(rootFd);
            error = $"The project root '{root}' now resolves elsewhere ('{RealPath(rootFd)}'); refusing to start.";
            return false;
        }

        if (relative == ".")
        {
            fd = rootFd;
            resolved = root;
            error = string.Empty;
            return true;
        }

        var opened = OpenBeneath(rootFd, relative, native, out var err);
        if (opened < 0 && err is Libc.ENOSYS or Libc.EPERM or Libc.E2BIG)
        {
            opened = OpenByWalk(rootFd, relative, out err);
        }

        _ = Libc.Close(rootFd);
        if (opened < 0)
        {
            kind = err is Libc.ENOENT or Libc.ENOTDIR ? PtyErrorKind.WorkingDirectoryNotFound : PtyErrorKind.WorkingDirectoryOutsideRoot;
            error = err is Libc.EXDEV or Libc.ELOOP
                ? $"The working directory '{directory}' leads outside the project root '{root}' (a symlink on the way); refusing to start."
                : $"The working directory '{directory}' cannot be opened: {Marshal.GetPInvokeErrorMessage(err)}.";
            return false;
        }

        resolved = RealPath(opened);
        if (resolved != root && !resolved.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            // Defence in depth: the kernel already refused escapes; never start outside the root whatever happened.
            _ = Libc.Close(opened);
            error = $"The working directory '{directory}' resolved to '{resolved}', outside the project root '{root}'.";
            return false;
        }

        fd = opened;
        error = string.Empty;
        return true;
    }

    /// <summary>The fallback: one component at a time, no symlink followed. Returns the fd or -1 with errno.</summary>
    internal static int OpenByWalk(int rootFd, string relative, out int errno)
    {
        errno = 0;
        using var native = new NativeUtf8();
        var current = -1;
        foreach (var part in relative.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                CloseIfOwned(current, rootFd);
                errno = Libc.EXDEV;
                return -1;
            }

            // O_NOFOLLOW with O_PATH would open the symlink itself; O_DIRECTORY then fails it with ENOTDIR.
            var next = Libc.Openat(current < 0 ? rootFd : current, native.String(part), Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_NOFOLLOW | Libc.O_CLOEXEC, 0);
            var openError = Marshal.GetLastPInvokeError();
            CloseIfOwned(current, rootFd);
            if (next < 0)
            {
                errno = openError;
                return -1;
            }

            current = next;
        }

        if (current < 0)
        {
            errno = Libc.ENOENT;
        }

        return current;
    }

    /// <summary>An O_PATH descriptor of a directory (symlinks followed), or -1 with errno set.</summary>
    internal static int OpenPath(string directory)
    {
        using var native = new NativeUtf8();
        return Libc.Openat(AtFdCwd, native.String(directory), Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC, 0);
    }

    /// <summary>The path the kernel has for an open descriptor (without the " (deleted)" it appends once the directory is removed).</summary>
    internal static string RealPath(int fd)
    {
        var path = new FileInfo($"/proc/self/fd/{fd}").LinkTarget ?? string.Empty;
        return path.EndsWith(" (deleted)", StringComparison.Ordinal) ? path[..^" (deleted)".Length] : path;
    }

    private const int AtFdCwd = -100;

    private static int OpenBeneath(int rootFd, string relative, NativeUtf8 native, out int errno)
    {
        var how = new Libc.OpenHow
        {
            Flags = (ulong)(Libc.O_PATH | Libc.O_DIRECTORY | Libc.O_CLOEXEC),
            Resolve = Libc.RESOLVE_BENEATH | Libc.RESOLVE_NO_MAGICLINKS,
        };
        var fd = Libc.SyscallOpenat2(Libc.SYS_openat2, rootFd, native.String(relative), &how, (nuint)sizeof(Libc.OpenHow));
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return (int)fd;
    }

    private static void CloseIfOwned(int fd, int rootFd)
    {
        if (fd >= 0 && fd != rootFd)
        {
            _ = Libc.Close(fd);
        }
    }
}
