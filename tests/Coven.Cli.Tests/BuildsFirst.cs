using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Coven.Cli.Tests.BuildsFirstOrderer", "Coven.Cli.Tests")]

namespace Coven.Cli.Tests;

/// <summary>
/// Marks a collection definition whose tests build programs (install.sh's NativeAOT publish, the upgrade tests' two
/// builds): minutes of mostly single-threaded compiler work that the rest of the assembly's tests, which mostly wait on
/// real processes, can run beside. Started last, such a build is the run's tail; started first, it overlaps them.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BuildsProgramsAttribute : Attribute
{
    /// <summary>
    /// An environment variable that, when set, says the build was started before the tests (test.sh's install): the
    /// collection then only waits for it and goes last, so it holds none of the parallel slots meanwhile.
    /// </summary>
    public string? StartedEarlyWhen { get; set; }
}

/// <summary>Starts the collections marked <see cref="BuildsProgramsAttribute"/> first; the rest keep xunit's order.</summary>
public sealed class BuildsFirstOrderer : ITestCollectionOrderer
{
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        Order(testCollections, Environment.GetEnvironmentVariable);

    /// <summary>The order, with the environment passed in (BuildsFirstTests).</summary>
    internal static IEnumerable<ITestCollection> Order(IEnumerable<ITestCollection> testCollections, Func<string, string?> env) =>
        testCollections.OrderBy(c => Rank(c, env));

    private static int Rank(ITestCollection collection, Func<string, string?> env)
    {
        if (collection.CollectionDefinition?.GetCustomAttributes(typeof(BuildsProgramsAttribute)).FirstOrDefault() is not { } builds)
        {
            return 1;
        }

        var early = builds.GetNamedArgument<string?>(nameof(BuildsProgramsAttribute.StartedEarlyWhen));
        return early is not null && !string.IsNullOrEmpty(env(early)) ? 2 : 0;
    }
}

[CollectionDefinition(nameof(InstallBuild))]
[BuildsPrograms(StartedEarlyWhen = "COVEN_TEST_INSTALL")]
public sealed class InstallBuild;

[CollectionDefinition(nameof(UpgradeBuilds))]
[BuildsPrograms]
public sealed class UpgradeBuilds;
