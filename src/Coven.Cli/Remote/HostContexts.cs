using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coven.Cli.Remote;

/// <summary>One named host (<c>coven context add build ssh://me@build</c>).</summary>
internal sealed record HostContext
{
    public required string Name { get; init; }

    public required string Host { get; init; }

    public string? RemoteCoven { get; init; }

    public string? RemoteHome { get; init; }

    public string? SshConfig { get; init; }

    public List<string>? SshOptions { get; init; }

    public SshTarget ToTarget() => SshTarget.Parse(Host) with
    {
        RemoteCoven = RemoteCoven is { Length: > 0 } c ? c : "coven",
        RemoteHome = RemoteHome,
        SshConfig = SshConfig,
        SshOptions = SshOptions ?? [],
    };
}

internal sealed record HostContextFile
{
    /// <summary>The context commands use when neither --host nor COVEN_HOST says otherwise; null: this machine.</summary>
    public string? Current { get; init; }

    public List<HostContext> Contexts { get; init; } = [];
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HostContextFile))]
internal sealed partial class RemoteJsonContext : JsonSerializerContext;

/// <summary>
/// The named hosts of one COVEN_HOME, in <c>contexts.json</c> (0600, written whole to a temporary file and renamed,
/// so a reader never sees half a file). It holds addresses and ssh options, never a credential.
/// </summary>
internal static class HostContexts
{
    /// <summary>The names that always mean this machine's own daemon.</summary>
    public static readonly string[] LocalNames = ["local", "default"];

    public static string FilePath(string covenHome) => Path.Combine(covenHome, "contexts.json");

    public static bool IsLocalName(string name) => LocalNames.Contains(name, StringComparer.Ordinal);

    public static HostContextFile Load(string covenHome)
    {
        var path = FilePath(covenHome);
        if (!File.Exists(path))
        {
            return new HostContextFile();
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), RemoteJsonContext.Default.HostContextFile) ?? new HostContextFile();
        }
        catch (JsonException e)
        {
            throw new CliException("bad_contexts", $"{path} is not a valid contexts file: {e.Message} (fix or remove it)");
        }
    }

    public static void Save(string covenHome, HostContextFile file)
    {
        Core.CovenPaths.EnsurePrivateDirectory(covenHome);
        var path = FilePath(covenHome);
        var temp = path + ".tmp-" + Environment.ProcessId;
        var options = new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        };
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, file, RemoteJsonContext.Default.HostContextFile);
            stream.Flush(flushToDisk: true);
        }

        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>A context name: letters, digits, '-', '_' and '.', starting with a letter or digit (it prefixes session references, "build:3fa9").</summary>
    public static void ValidateName(string name)
    {
        if (name.Length is 0 or > 64 || !char.IsAsciiLetterOrDigit(name[0]) || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_' and not '.'))
        {
            throw CliException.Usage($"context name '{name}' is not valid (letters, digits, '-', '_', '.'; at most 64; starting with a letter or digit)");
        }

        if (IsLocalName(name))
        {
            throw CliException.Usage($"'{name}' is reserved: it always means this machine's daemon");
        }
    }

    /// <summary>
    /// Which daemon a command talks to: <paramref name="hostOption"/> (--host), else COVEN_HOST, else the current
    /// context. Each may be an ssh:// address or a context name; null means this machine.
    /// </summary>
    public static (string? Name, SshTarget? Target) Select(string covenHome, string? hostOption, Func<string, string?> env)
    {
        var wanted = hostOption is { Length: > 0 } ? hostOption : env("COVEN_HOST");
        if (string.IsNullOrEmpty(wanted))
        {
            var file = Load(covenHome);
            wanted = file.Current;
            if (string.IsNullOrEmpty(wanted))
            {
                return (null, null);
            }
        }

        return Resolve(covenHome, wanted, env);
    }

    public static (string? Name, SshTarget? Target) Resolve(string covenHome, string wanted, Func<string, string?> env)
    {
        if (IsLocalName(wanted))
        {
            return (null, null);
        }

        if (wanted.Contains("://", StringComparison.Ordinal))
        {
            var target = SshTarget.Parse(wanted) with
            {
                RemoteCoven = env("COVEN_REMOTE_COVEN") is { Length: > 0 } rc ? rc : "coven",
                RemoteHome = env("COVEN_REMOTE_HOME") is { Length: > 0 } rh ? rh : null,
                SshConfig = env("COVEN_SSH_CONFIG"),
            };
            return (null, target);
        }

        var context = Load(covenHome).Contexts.FirstOrDefault(c => c.Name == wanted)
            ?? throw new CliException("context_not_found", $"no context named '{wanted}' (coven context ls lists them)", ExitCodes.NotFound);
        var t = context.ToTarget();
        return (context.Name, env("COVEN_SSH_CONFIG") is { Length: > 0 } cfg && t.SshConfig is null ? t with { SshConfig = cfg } : t);
    }
}
