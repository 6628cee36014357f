using System.Reflection;

namespace Coven.TestSupport;

/// <summary>Locates the repository and the built executables (artifacts/bin/&lt;Configuration&gt;).</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The folder holding coven, covend and coven-lane for the configuration the tests were built in.</summary>
    public static string BinDir { get; } = Path.Combine(Root, "artifacts", "bin", Configuration);

    public static string Configuration =>
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string Executable(string name)
    {
        var path = Path.Combine(BinDir, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{name} was not built at {path}; build the solution first.", path);
        }

        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Coven.Workflow.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Coven.Workflow.sln not found above " + AppContext.BaseDirectory);
    }
}
