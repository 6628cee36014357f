using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Coven.Cli.Api;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Remote;

/// <summary>
/// The daemon of another host, reached by running the system <c>ssh</c> with <c>coven dial-stdio</c> on the far side
/// (the way <c>docker -H ssh://</c> works): no new listener, no new credentials; SSH authenticates the user and the
/// remote daemon, on its own Unix socket, checks its peer as always. One ssh connection carries every one-shot request
/// of a command (HTTP/1.1 keep-alive); each event stream gets a connection of its own, because an SSE answer only
/// ends with the session. The first request on a connection is a version handshake (<c>GET /api/v1/health</c>).
/// </summary>
internal sealed class SshTransport(SshTarget target, Func<string, string?> env) : IDaemonTransport
{
    /// <summary>The API generation this CLI speaks; a daemon that answers another one is refused.</summary>
    public const string ApiVersion = "coven.daemon.v1";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SshChannel? _channel;

    public SshTarget Target { get; } = target;

    public string Describe => Target.Address;

    /// <summary>The remote daemon's handshake answer, once a connection has been made.</summary>
    public HealthResponse? RemoteHealth { get; private set; }

    public async Task<(int Status, string Body)> ExchangeAsync(string method, string path, string? jsonBody, int timeoutMs, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var reused = _channel is not null;
            try
            {
                return await ExchangeOnChannelAsync(method, path, jsonBody, timeoutMs, ct);
            }
            catch (CliException) when (reused && method == HttpVerb.Get && !ct.IsCancellationRequested)
            {
                // A kept connection can die between requests (the relay or the link went away). Like any HTTP client,
                // repeat an idempotent request once on a fresh connection; anything else could have been applied.
                return await ExchangeOnChannelAsync(method, path, jsonBody, timeoutMs, ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<(int Status, string Body)> ExchangeOnChannelAsync(string method, string path, string? jsonBody, int timeoutMs, CancellationToken ct)
    {
        try
        {
            var channel = _channel ??= SshChannel.Start(Target, env);
            if (RemoteHealth is null)
            {
                var (hs, hb) = await channel.ExchangeAsync(UnixHttp.BuildRequest(HttpVerb.Get, "api/v1/health", null, keepAlive: true), timeoutMs, ct);
                RemoteHealth = CheckHandshake(hs, hb);
                if (method == HttpVerb.Get && path == "api/v1/health")
                {
                    return (hs, hb);
                }
            }

            return await channel.ExchangeAsync(UnixHttp.BuildRequest(method, path, jsonBody, keepAlive: true), timeoutMs, ct);
        }
        catch
        {
            // A connection that failed part-way is not used again (a later request starts a new one).
            _channel?.Dispose();
            _channel = null;
            throw;
        }
    }

    public async Task<HttpStreamResponse> OpenStreamAsync(string path, string accept, CancellationToken ct)
    {
        var channel = SshChannel.Start(Target, env);
        channel.KillOnDispose = true;
        try
        {
            return await channel.Guard(
                () => HttpStreamResponse.OverAsync(channel.Input, channel.Output, channel, path, accept, ct),
                timeoutMs: 60_000,
                ct);
        }
        catch
        {
            channel.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        _channel?.Dispose();
        _channel = null;
        _gate.Dispose();
    }

    private HealthResponse CheckHandshake(int status, string body)
    {
        HealthResponse? health = null;
        if (status == 200)
        {
            try
            {
                health = JsonSerializer.Deserialize(body, CovenJsonContext.Default.HealthResponse);
            }
            catch (JsonException)
            {
            }
        }

        if (health is null)
        {
            throw new CliException("remote_incompatible", $"{Target.Address}: the remote side did not answer the Coven handshake (HTTP {status}); is its coven too old?", ExitCodes.DaemonUnreachable);
        }

        if (!string.Equals(health.ApiVersion, ApiVersion, StringComparison.Ordinal))
        {
            throw new CliException(
                "remote_incompatible",
                $"{Target.Address}: the remote daemon speaks {health.ApiVersion} (coven {health.CovenVersion}), this coven speaks {ApiVersion} (coven {ProductVersion.Full}); upgrade one of them",
                ExitCodes.DaemonUnreachable);
        }

        return health;
    }
}

/// <summary>
/// One running <c>ssh … coven dial-stdio</c>: its stdin and stdout are one byte stream to the remote daemon's socket.
/// ssh's stderr is kept (bounded) to say why, when the connection fails: ssh missing, host unreachable, key refused,
/// host key unknown, remote coven missing, remote daemon not startable. System.Diagnostics.Process is used here and
/// nowhere on the local path, so local commands do not pay for it.
/// </summary>
internal sealed class SshChannel : IDisposable
{
    private const int MaxStderr = 16 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly SshTarget _target;
    private bool _disposed;

    private SshChannel(Process process, SshTarget target)
    {
        _process = process;
        _target = target;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (_stderr)
                {
                    if (_stderr.Length < MaxStderr)
                    {
                        _stderr.AppendLine(line);
                    }
                }
            }
        };
        _process.BeginErrorReadLine();
    }

    /// <summary>End the ssh process at once on dispose (an event stream never ends by itself) instead of closing it gracefully.</summary>
    public bool KillOnDispose { get; set; }

    /// <summary>Bytes towards the remote daemon (ssh's stdin).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>Bytes from the remote daemon (ssh's stdout).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    public static SshChannel Start(SshTarget target, Func<string, string?> env)
    {
        var ssh = env("COVEN_SSH") is { Length: > 0 } custom ? custom : "ssh";
        var psi = new ProcessStartInfo(ssh)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in target.SshArguments())
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            var process = Process.Start(psi) ?? throw new CliException("ssh_missing", $"could not run '{ssh}'", ExitCodes.DaemonUnreachable);
            return new SshChannel(process, target);
        }
        catch (Win32Exception e)
        {
            throw new CliException("ssh_missing", $"cannot reach {target.Address}: could not run '{ssh}' ({e.Message}); install OpenSSH's client or set COVEN_SSH", ExitCodes.DaemonUnreachable);
        }
    }

    /// <summary>Sends one keep-alive request and reads its whole answer.</summary>
    public Task<(int Status, string Body)> ExchangeAsync(byte[] request, int timeoutMs, CancellationToken ct) =>
        Guard(
            async () =>
            {
                await Input.WriteAsync(request, ct);
                await Input.FlushAsync(ct);
                var (status, body) = await HttpStreamResponse.ReadResponseAsync(Output, ct);
                using var text = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
                return (status, await text.ReadToEndAsync(ct));
            },
            timeoutMs,
            ct);

    /// <summary>
    /// Runs an I/O step on this connection; when the connection breaks (or the step times out), the failure is
    /// explained from ssh's exit status and stderr instead of a bare "connection closed".
    /// </summary>
    public async Task<T> Guard<T>(Func<Task<T>> step, int timeoutMs, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(timeoutMs);
        try
        {
            return await step().WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException("host_unreachable", $"{_target.Address} did not answer within {timeoutMs / 1000} s", ExitCodes.DaemonUnreachable);
        }
        catch (IOException)
        {
            throw await ExplainAsync();
        }
    }

    private async Task<CliException> ExplainAsync()
    {
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        string text;
        lock (_stderr)
        {
            text = _stderr.ToString().Trim();
        }

        var exit = _process.HasExited ? _process.ExitCode : (int?)null;
        return Classify(_target.Address, exit, text);
    }

    /// <summary>Turns ssh's exit status and stderr into one of the documented remote error codes (docs/remote.md).</summary>
    internal static CliException Classify(string address, int? exitCode, string stderr)
    {
        var last = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? string.Empty;
        string code;
        string why;
        if (stderr.Contains("Permission denied", StringComparison.Ordinal) || stderr.Contains("Too many authentication failures", StringComparison.Ordinal))
        {
            code = "ssh_auth_failed";
            why = "ssh authentication was refused (keys are taken from your ssh agent and config; BatchMode is on, so no password prompt)";
        }
        else if (stderr.Contains("Host key verification failed", StringComparison.Ordinal) || stderr.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal))
        {
            code = "ssh_host_key_failed";
            why = "the host key is unknown or changed (check it and add it to known_hosts: ssh the host once by hand)";
        }
        else if (exitCode == 127 || stderr.Contains("command not found", StringComparison.Ordinal) || stderr.Contains("No such file or directory", StringComparison.Ordinal) && !stderr.Contains("ssh:", StringComparison.Ordinal))
        {
            code = "remote_coven_missing";
            why = "coven was not found on the remote host (install it there, or give its path with --remote-coven)";
        }
        else if (exitCode == 255)
        {
            code = "host_unreachable";
            why = "ssh could not connect";
        }
        else if (exitCode == ExitCodes.DaemonUnreachable)
        {
            code = "remote_daemon_unreachable";
            why = "the remote coven could not reach or start its daemon";
        }
        else
        {
            code = "host_unreachable";
            why = exitCode is { } e ? $"ssh ended (exit {e})" : "the connection closed";
        }

        var message = $"{address}: {why}" + (last.Length > 0 ? ": " + last : string.Empty);
        return new CliException(code, message, ExitCodes.DaemonUnreachable);
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            // Closing stdin ends dial-stdio's upload half; the daemon then closes and ssh exits by itself.
            if (!KillOnDispose)
            {
                _process.StandardInput.Close();
            }

            if (KillOnDispose || !_process.WaitForExit(2000))
            {
                _process.Kill();
                _process.WaitForExit(2000);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Win32Exception)
        {
        }

        _process.Dispose();
    }
}
