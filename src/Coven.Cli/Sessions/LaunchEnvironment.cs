using System.Collections;

namespace Coven.Cli.Sessions;

/// <summary>
/// The environment a launch carries to the harness (issue 13 item 5): the CLI's own environment, or nothing with
/// <c>--env-clear</c>, then each <c>--env K=V</c> (<c>--env K</c> passes the CLI's value of K). Coven's own
/// <c>COVEN_*</c> variables are never sent; the daemon drops them too.
/// </summary>
internal static class LaunchEnvironment
{
    public static Dictionary<string, string> Build(bool clear, IEnumerable<string> assignments)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!clear)
        {
            foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                if (entry.Key is string key && entry.Value is string value && !IsInternal(key))
                {
                    environment[key] = value;
                }
            }
        }

        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? assignment : assignment[..equals];
            if (name.Length == 0 || name.Contains('\0', StringComparison.Ordinal))
            {
                throw CliException.Usage($"--env expects NAME=VALUE or NAME, not '{assignment}'");
            }

            if (IsInternal(name))
            {
                throw CliException.Usage($"--env {name}: COVEN_* variables are Coven's own and never reach a harness");
            }

            if (equals >= 0)
            {
                environment[name] = assignment[(equals + 1)..];
            }
            else if (Environment.GetEnvironmentVariable(name) is { } inherited)
            {
                environment[name] = inherited;
            }
        }

        return environment;
    }

    private static bool IsInternal(string name) => name.StartsWith("COVEN_", StringComparison.Ordinal);
}
