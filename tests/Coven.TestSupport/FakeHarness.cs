namespace Coven.TestSupport;

/// <summary>
/// Writes small executable scripts that stand in for harness CLIs (codex, claude, ...), in a bin
/// folder meant to be put first on PATH.
/// </summary>
public sealed class FakeHarness
{
    public FakeHarness(string binDir)
    {
        BinDir = binDir;
        Directory.CreateDirectory(binDir);
    }

    public string BinDir { get; }

    /// <summary>PATH with <see cref="BinDir"/> first.</summary>
    public string PathVariable => BinDir + ":" + Environment.GetEnvironmentVariable("PATH");

    /// <summary>Writes <paramref name="name"/> as a /bin/sh script with the given body and makes it executable.</summary>
    public string Write(string name, string body)
    {
        var path = System.IO.Path.Combine(BinDir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Prints its arguments one per line, then echoes input lines back as "got: LINE" until "exit N".</summary>
    public string WriteEcho(string name) => Write(name, """
        for a in "$@"; do printf 'arg: %s\n' "$a"; done
        printf 'ready\n'
        while IFS= read -r line; do
          case "$line" in
            exit\ *) exit "${line#exit }" ;;
            *) printf 'got: %s\n' "$line" ;;
          esac
        done
        """);

    /// <summary>
    /// The harness's own argv as an echo harness (<see cref="WriteEcho"/>) printed it ("arg: X" lines before "ready"),
    /// without the activity hooks Coven puts in front of the harness's own arguments (docs/attention.md;
    /// LaunchPlannerTests check the hooks): Codex's <c>-c notify=[...]</c>, Claude Code's <c>--settings {"hooks":...}</c>.
    /// </summary>
    public static List<string> EchoedArgv(string output)
    {
        var argv = output.Split('\n')
            .Select(l => l.TrimEnd('\r'))
            .TakeWhile(l => l != "ready")
            .Where(l => l.StartsWith("arg: ", StringComparison.Ordinal))
            .Select(l => l["arg: ".Length..])
            .ToList();
        if (argv.Count >= 2 && ((argv[0] == "-c" && argv[1].StartsWith("notify=", StringComparison.Ordinal)) || (argv[0] == "--settings" && argv[1].StartsWith("{\"hooks\"", StringComparison.Ordinal))))
        {
            argv.RemoveRange(0, 2);
        }

        return argv;
    }
}
