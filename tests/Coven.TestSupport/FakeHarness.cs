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
}
