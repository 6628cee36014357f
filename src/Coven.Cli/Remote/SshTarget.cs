using System.Globalization;
using System.Text;

namespace Coven.Cli.Remote;

/// <summary>
/// Another host's Coven, reached with the system's OpenSSH client: <c>ssh://[user@]host[:port]</c>, plus how to run
/// <c>coven dial-stdio</c> there. Nothing here is a credential: keys, agents, known_hosts and the rest of the user's
/// ssh configuration stay ssh's business.
/// </summary>
internal sealed record SshTarget
{
    /// <summary>The ssh:// address as the user wrote it (normalised), e.g. <c>ssh://me@build:2222</c>.</summary>
    public required string Address { get; init; }

    public string? User { get; init; }

    public required string Host { get; init; }

    public int? Port { get; init; }

    /// <summary>The coven executable on the remote host (default <c>coven</c>, found through the remote login's PATH).</summary>
    public string RemoteCoven { get; init; } = "coven";

    /// <summary>COVEN_HOME on the remote host, when not its default.</summary>
    public string? RemoteHome { get; init; }

    /// <summary>Extra ssh options (<c>-o</c> KEY=VALUE) and an ssh config file (<c>-F</c>) for this host.</summary>
    public IReadOnlyList<string> SshOptions { get; init; } = [];

    public string? SshConfig { get; init; }

    /// <summary>Parses an <c>ssh://</c> address; anything else is a usage error that says what is expected.</summary>
    public static SshTarget Parse(string address)
    {
        const string scheme = "ssh://";
        if (!address.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw CliException.Usage($"host '{address}' is not an ssh:// address (use ssh://[user@]host[:port])");
        }

        var rest = address[scheme.Length..].TrimEnd('/');
        string? user = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            user = rest[..at];
            rest = rest[(at + 1)..];
            if (user.Length == 0 || user.Contains(':', StringComparison.Ordinal))
            {
                throw CliException.Usage($"host '{address}': the user part must be a plain user name (no password: ssh keys or the agent authenticate)");
            }
        }

        string host;
        int? port = null;
        string? portText = null;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                throw CliException.Usage($"host '{address}': unclosed '[' in an IPv6 address");
            }

            host = rest[1..close];
            var after = rest[(close + 1)..];
            if (after.Length > 0)
            {
                portText = after.StartsWith(':') ? after[1..] : throw CliException.Usage($"host '{address}': unexpected '{after}' after the address");
            }
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            host = colon >= 0 ? rest[..colon] : rest;
            portText = colon >= 0 ? rest[(colon + 1)..] : null;
        }

        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                throw CliException.Usage($"host '{address}': port '{portText}' is not a number from 1 to 65535");
            }

            port = p;
        }

        if (host.Length == 0 || host.StartsWith('-') || host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '?' or '#'))
        {
            throw CliException.Usage($"host '{address}': '{host}' is not a host name");
        }

        if (user is not null && (user.StartsWith('-') || user.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw CliException.Usage($"host '{address}': '{user}' is not a user name");
        }

        var normal = new StringBuilder(scheme);
        if (user is not null)
        {
            normal.Append(user).Append('@');
        }

        normal.Append(host.Contains(':', StringComparison.Ordinal) ? "[" + host + "]" : host);
        if (port is { } pp)
        {
            normal.Append(':').Append(pp.ToString(CultureInfo.InvariantCulture));
        }

        return new SshTarget { Address = normal.ToString(), User = user, Host = host, Port = port };
    }

    /// <summary>
    /// The ssh argv (no shell on this side): batch mode (a password or passphrase prompt would hang a command; keys
    /// and the agent still work), no tty, the user's own config, known_hosts and agent otherwise untouched.
    /// </summary>
    public List<string> SshArguments()
    {
        var args = new List<string> { "-o", "BatchMode=yes", "-T", "-e", "none" };
        if (SshConfig is { Length: > 0 } config)
        {
            args.Add("-F");
            args.Add(config);
        }

        foreach (var option in SshOptions)
        {
            args.Add("-o");
            args.Add(option);
        }

        if (Port is { } port)
        {
            args.Add("-p");
            args.Add(port.ToString(CultureInfo.InvariantCulture));
        }

        if (User is { } user)
        {
            args.Add("-l");
            args.Add(user);
        }

        args.Add("--");
        args.Add(Host);
        args.Add(RemoteCommand());
        return args;
    }

    /// <summary>
    /// What the remote side runs. ssh hands its command to the remote user's shell as one string, so each word is
    /// single-quoted there: a path with spaces or quotes stays one word and nothing in it is expanded.
    /// </summary>
    public string RemoteCommand()
    {
        var words = new List<string> { RemoteCoven };
        if (RemoteHome is { Length: > 0 } home)
        {
            words.Add("--home");
            words.Add(home);
        }

        words.Add("dial-stdio");
        return string.Join(' ', words.Select(ShellQuote));
    }

    internal static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ':' or ',' or '=')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
