using Xunit.Abstractions;
using Xunit.Sdk;

namespace Coven.Cli.Tests;

/// <summary>
/// The order <see cref="BuildsFirstOrderer"/> gives xunit's collections, over this assembly's real collection
/// definitions: the builds first, and the install last when test.sh started it before the tests.
/// </summary>
public sealed class BuildsFirstTests
{
    private static readonly TestAssembly s_assembly = new(Reflector.Wrap(typeof(BuildsFirstTests).Assembly));

    private static TestCollection Collection(Type? definition, string name) =>
        new TestCollection(s_assembly, definition is null ? null : Reflector.Wrap(definition), name);

    private static readonly ITestCollection[] s_collections =
    [
        Collection(null, "Test collection for Coven.Cli.Tests.SomeTests"),
        Collection(typeof(InstallBuild), nameof(InstallBuild)),
        Collection(null, "Test collection for Coven.Cli.Tests.OtherTests"),
        Collection(typeof(UpgradeBuilds), nameof(UpgradeBuilds)),
    ];

    [Fact]
    public void WithoutAStartedInstall_BothBuildsGoFirst_TheRestKeepTheirOrder()
    {
        var order = BuildsFirstOrderer.Order(s_collections, _ => null).Select(c => c.DisplayName);
        Assert.Equal(
            [nameof(InstallBuild), nameof(UpgradeBuilds), "Test collection for Coven.Cli.Tests.SomeTests", "Test collection for Coven.Cli.Tests.OtherTests"],
            order);
    }

    [Fact]
    public void WithTheInstallStartedByTestSh_ItGoesLast_TheUpgradeBuildsStillFirst()
    {
        var order = BuildsFirstOrderer.Order(s_collections, name => name == "COVEN_TEST_INSTALL" ? "/tmp/x" : null).Select(c => c.DisplayName);
        Assert.Equal(
            [nameof(UpgradeBuilds), "Test collection for Coven.Cli.Tests.SomeTests", "Test collection for Coven.Cli.Tests.OtherTests", nameof(InstallBuild)],
            order);
    }
}
