namespace Coven.Cli.Sessions;

/// <summary>The default project root: the enclosing git work tree (a <c>.git</c> file or folder), else the directory itself.</summary>
internal static class ProjectRoot
{
    public static string Find(string start)
    {
        var dir = new DirectoryInfo(Path.GetFullPath(start));
        for (var d = dir; d is not null; d = d.Parent)
        {
            var git = Path.Combine(d.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git))
            {
                return d.FullName;
            }
        }

        return dir.FullName;
    }
}
