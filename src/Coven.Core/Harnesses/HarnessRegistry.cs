using System.Text.Json;
using System.Text.RegularExpressions;

namespace Coven.Core;

/// <summary>
/// The harnesses Coven may launch: the built-in <c>codex</c> and <c>claude</c>, plus those the user registers
/// explicitly in COVEN_HOME/harnesses.json. Any other id fails closed.
/// </summary>
public sealed partial class HarnessRegistry
{
    private readonly Dictionary<string, HarnessDefinition> _harnesses;

    public HarnessRegistry(IEnumerable<HarnessDefinition> registered)
    {
        _harnesses = new Dictionary<string, HarnessDefinition>(StringComparer.Ordinal);
        foreach (var h in BuiltIns)
        {
            _harnesses[h.Id] = h;
        }

        foreach (var h in registered)
        {
            if (_harnesses.TryGetValue(h.Id, out var existing) && existing.BuiltIn)
            {
                throw new HarnessConfigException($"harness '{h.Id}' is built in and cannot be redefined.");
            }

            _harnesses[h.Id] = h;
        }
    }

    public static IReadOnlyList<HarnessDefinition> BuiltIns { get; } =
    [
        new HarnessDefinition
        {
            Id = "codex",
            Label = "Codex",
            Executable = "codex",

            // Codex otherwise starts one shared background app-server per CODEX_HOME that all its sessions use.
            // Sessions are the unit Coven cleans up (the lane ends everything a session leaves behind), so a server
            // shared across sessions would die with the first one and take the others down: run each without it.
            BaseArguments = ["--no-daemon"],
            ResumeArguments = ["resume", "--last"],
            ResumeConversationArguments = ["resume", "{conversation}"],
            ConversationDiscovery = ConversationDiscovery.CodexRollout,
            WaitingPatterns = [@"Would you like to (run|make|apply) ", @"Allow command\?", @"Press enter to confirm"],
            ActivityHook = ActivityHookKind.CodexNotify,
            InstallHint = "npm install -g @openai/codex",
            BuiltIn = true,
        },
        new HarnessDefinition
        {
            Id = "claude",
            Label = "Claude Code",
            Executable = "claude",
            ResumeArguments = ["--continue"],
            ResumeConversationArguments = ["--resume", "{conversation}"],
            ConversationArguments = ["--session-id", "{conversation}"],
            WaitingPatterns = [@"Do you want to (proceed|make this edit|create|allow)", @"Do you trust the files in this folder\?"],
            ActivityHook = ActivityHookKind.ClaudeHooks,
            InstallHint = "npm install -g @anthropic-ai/claude-code",
            BuiltIn = true,
        },
    ];

    public IReadOnlyCollection<HarnessDefinition> All => _harnesses.Values;

    /// <summary>Loads the registry, reading <paramref name="configPath"/> when it exists.</summary>
    /// <exception cref="HarnessConfigException">The file exists but is invalid.</exception>
    public static HarnessRegistry Load(string configPath)
    {
        if (!File.Exists(configPath))
        {
            return new HarnessRegistry([]);
        }

        HarnessConfigFile? file;
        try
        {
            file = JsonSerializer.Deserialize(File.ReadAllText(configPath), CovenJsonContext.Default.HarnessConfigFile);
        }
        catch (JsonException e)
        {
            throw new HarnessConfigException($"{configPath}: {e.Message}");
        }

        var defs = new List<HarnessDefinition>();
        foreach (var entry in file?.Harnesses ?? [])
        {
            if (string.IsNullOrEmpty(entry.Id) || !IdPattern().IsMatch(entry.Id))
            {
                throw new HarnessConfigException($"{configPath}: harness id '{entry.Id}' must match [a-z0-9][a-z0-9._-]*.");
            }

            if (string.IsNullOrEmpty(entry.Executable) || !Path.IsPathRooted(entry.Executable))
            {
                throw new HarnessConfigException($"{configPath}: harness '{entry.Id}' needs an absolute executable path.");
            }

            if (entry.IdleAfterMs is < ActivitySettings.MinIdleAfterMs or > ActivitySettings.MaxIdleAfterMs)
            {
                throw new HarnessConfigException($"{configPath}: harness '{entry.Id}': idleAfterMs must be {ActivitySettings.MinIdleAfterMs}-{ActivitySettings.MaxIdleAfterMs}.");
            }

            foreach (var pattern in entry.WaitingPatterns ?? [])
            {
                if (!ActivitySettings.IsValidPattern(pattern, out var patternError))
                {
                    throw new HarnessConfigException($"{configPath}: harness '{entry.Id}': waitingPatterns '{pattern}' is not a regex: {patternError}");
                }
            }

            foreach (var signal in entry.ActivitySignals ?? [])
            {
                if (signal is not (SessionActivity.Working or SessionActivity.Waiting or SessionActivity.Idle))
                {
                    throw new HarnessConfigException($"{configPath}: harness '{entry.Id}': activitySignals '{signal}' is not one of working, waiting, idle.");
                }
            }

            defs.Add(new HarnessDefinition
            {
                Id = entry.Id,
                Label = entry.Label ?? entry.Id,
                Executable = entry.Executable,
                BaseArguments = entry.Args ?? [],
                PromptArguments = entry.PromptArgs ?? ["{prompt}"],
                ModelArguments = entry.ModelArgs ?? ["--model", "{model}"],
                ResumeArguments = entry.ResumeArgs,
                ResumeConversationArguments = entry.ResumeConversationArgs,
                ConversationArguments = entry.ConversationArgs,
                IdleAfterMs = entry.IdleAfterMs ?? ActivitySettings.DefaultIdleAfterMs,
                WaitingPatterns = entry.WaitingPatterns ?? [],
                ActivitySignals = entry.ActivitySignals ?? [],
            });
        }

        return new HarnessRegistry(defs);
    }

    /// <summary>Finds a harness and its executable. <paramref name="pathVariable"/> is the PATH to search.</summary>
    public HarnessLookup Find(string? id, string? pathVariable)
    {
        if (string.IsNullOrEmpty(id) || !_harnesses.TryGetValue(id, out var harness))
        {
            var known = string.Join(", ", _harnesses.Keys.Order(StringComparer.Ordinal));
            return new HarnessLookup
            {
                Error = HarnessLookupError.Unknown,
                Message = $"unknown harness '{id}'; known harnesses: {known} (register others in harnesses.json).",
            };
        }

        var path = ResolveExecutable(harness.Executable, pathVariable);
        if (path is null)
        {
            var how = harness.InstallHint is null ? string.Empty : $"; install it with: {harness.InstallHint}";
            return new HarnessLookup
            {
                Harness = harness,
                Error = HarnessLookupError.Unavailable,
                Message = $"harness '{id}' is not installed: '{harness.Executable}' was not found{(Path.IsPathRooted(harness.Executable) ? string.Empty : " on PATH")}{how}.",
            };
        }

        return new HarnessLookup { Harness = harness, ExecutablePath = path };
    }

    /// <summary>An absolute executable path for <paramref name="name"/>: itself if absolute, else the first PATH hit.</summary>
    public static string? ResolveExecutable(string name, string? pathVariable)
    {
        if (Path.IsPathRooted(name))
        {
            return IsExecutableFile(name) ? name : null;
        }

        if (name.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        foreach (var dir in (pathVariable ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return false;
            }

            var mode = info.UnixFileMode;
            return (mode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();
}
