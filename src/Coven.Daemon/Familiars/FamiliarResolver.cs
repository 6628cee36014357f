using Coven.Core;
using Coven.Core.Api;
using Coven.Daemon.Api;
using Coven.Store;

namespace Coven.Daemon.Familiars;

/// <summary>
/// Name → familiar. A user-defined familiar wins; otherwise a harness id (built-in or registered in harnesses.json)
/// is its own implicit familiar. Built-in ids can never be user-defined, so "codex" always means the codex harness.
/// </summary>
internal static class FamiliarResolver
{
    public static Familiar? Resolve(CovenStore store, HarnessRegistry registry, string? name) => Resolve(store.Familiars, registry, name);

    public static Familiar? Resolve(FamiliarRepository familiars, HarnessRegistry registry, string? name)
    {
        if (!Coven.Core.Cast.CastParser.IsName(name))
        {
            return null;
        }

        if (IsBuiltInHarness(name!))
        {
            return Familiar.ForHarness(name!);
        }

        if (familiars.Get(name!) is { } defined)
        {
            return defined;
        }

        return registry.All.Any(h => h.Id == name) ? Familiar.ForHarness(name!) with { BuiltIn = false } : null;
    }

    /// <summary>
    /// Built-in harness familiars first, then user-defined ones. Registered harness ids resolve as implicit
    /// familiars too but are not listed (they are listed by <c>GET /api/v1/capabilities</c>).
    /// </summary>
    public static IReadOnlyList<Familiar> All(CovenStore store) => All(store.Familiars);

    public static IReadOnlyList<Familiar> All(FamiliarRepository familiars)
    {
        var list = new List<Familiar>();
        list.AddRange(HarnessRegistry.BuiltIns.Select(h => Familiar.ForHarness(h.Id)));
        list.AddRange(familiars.List().Where(f => !IsBuiltInHarness(f.Name)));
        return list;
    }

    public static bool IsBuiltInHarness(string name) => HarnessRegistry.BuiltIns.Any(h => h.Id == name);

    /// <summary>The familiar a session counts as: the one it was launched as, else its harness.</summary>
    public static string Effective(SessionRecord session) => session.Familiar ?? session.Harness;

    /// <summary>Loads harnesses.json; an invalid file leaves only the built-ins (the launch path reports the error).</summary>
    public static HarnessRegistry LoadRegistry(string configPath)
    {
        try
        {
            return HarnessRegistry.Load(configPath);
        }
        catch (HarnessConfigException)
        {
            return new HarnessRegistry([]);
        }
    }

    /// <summary>400 unknown_harness: a familiar name is a harness id or a defined familiar, so an unknown one is both.</summary>
    public static ApiResult UnknownFamiliar(CovenStore store, string? name) =>
        ApiResult.Error(400, ErrorCodes.UnknownHarness, UnknownFamiliarMessage(store.Familiars, name), new() { ["familiar"] = ApiErrors.Printable(name) });

    public static string UnknownFamiliarMessage(FamiliarRepository familiars, string? name)
    {
        var known = string.Join(", ", All(familiars).Select(f => f.Name));
        return $"unknown familiar '{ApiErrors.Printable(name)}': not a defined familiar or a known harness; familiars: {known}.";
    }
}
