namespace Coven.TestSupport;

/// <summary>
/// Finds the built executables: artifacts/bin/&lt;Configuration&gt;/ (what <see cref="RepoPaths"/> expects) or
/// artifacts/bin/ (where a build without an explicit configuration puts them, because CovenBinDir is set
/// before Configuration has a value).
/// </summary>
public static class CovenBinaries
{
    public static string Find(string name)
    {
        foreach (var dir in new[] { RepoPaths.BinDir, Path.Combine(RepoPaths.Root, "artifacts", "bin") })
        {
            var path = Path.Combine(dir, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"{name} was not built under {RepoPaths.Root}/artifacts/bin; build the solution first.", name);
    }
}
