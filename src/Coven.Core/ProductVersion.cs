using System.Reflection;

namespace Coven.Core;

/// <summary>
/// The version of this build, from <c>CovenVersion</c> in Directory.Build.props (every assembly carries it): the
/// number for the API, daemon.json and XTVERSION, the full form (with the commit) for <c>coven --version</c>.
/// </summary>
public static class ProductVersion
{
    /// <summary>Major.minor.patch, e.g. <c>0.1.0</c>.</summary>
    public static string Number => typeof(ProductVersion).Assembly.GetName().Version is { } v ? v.ToString(3) : "0.0.0";

    /// <summary>The informational version, e.g. <c>0.1.0+d4236ec…</c> (version and source commit).</summary>
    public static string Full =>
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? Number;
}
