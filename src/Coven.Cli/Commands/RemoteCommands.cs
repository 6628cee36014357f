using System.CommandLine;
using System.Net.Sockets;
using System.Text.Json;
using Coven.Cli.Daemon;
using Coven.Cli.Output;
using Coven.Cli.Remote;

namespace Coven.Cli.Commands;

/// <summary><c>coven dial-stdio</c> (the remote half of <c>--host ssh://</c>) and <c>coven context add|use|ls|rm</c>.</summary>
internal static class RemoteCommands
{
    public static void Add(CliApp app)
    {
        app.Root.Add(DialStdio(app));
        app.Root.Add(Context(app));
    }

    private static Command DialStdio(CliApp app)
    {
        var command = new Command(
            "dial-stdio",
            "Relay stdin/stdout to this machine's daemon socket (starting the daemon if needed).\n"
            + "This is what 'coven --host ssh://…' runs on the other host through ssh; you do not run it by hand.\n"
            + "Only bytes pass: the daemon checks its peer and every request as always.\n\n"
            + "Example:\n"
            + "  coven --home ~/.coven dial-stdio      what ssh runs on the other host");
        app.Bind(command, async (context, parse, ct) =>
        {
            // Always this machine's daemon: --host and COVEN_HOST (set in a remote login's profile, say) do not apply.
            using var socket = await ConnectLocalAsync(context, ct);
            await using var daemon = new NetworkStream(socket, ownsSocket: false);
            await using var stdin = System.Console.OpenStandardInput();
            await using var stdout = System.Console.OpenStandardOutput();

            // Upload until the far side closes our stdin, then half-close so the daemon ends the connection after its
            // last answer; download until the daemon closes. The command ends with the download.
            var upload = Task.Run(
                async () =>
                {
                    try
                    {
                        await stdin.CopyToAsync(daemon, ct);
                    }
                    catch (IOException)
                    {
                    }

                    try
                    {
                        socket.Shutdown(SocketShutdown.Send);
                    }
                    catch (SocketException)
                    {
                    }
                },
                ct);
            var buffer = new byte[64 * 1024];
            try
            {
                int n;
                while ((n = await daemon.ReadAsync(buffer, ct)) > 0)
                {
                    await stdout.WriteAsync(buffer.AsMemory(0, n), ct);
                    await stdout.FlushAsync(ct);
                }
            }
            catch (IOException)
            {
                // The daemon or our reader (ssh) went away: nothing more to relay.
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Connects to the daemon's socket, starting the daemon once if nothing listens (as every command does).</summary>
    private static async Task<Socket> ConnectLocalAsync(CliContext context, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(context.Paths.Socket), ct);
                return socket;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                if (attempt > 0 || context.Console.Env("COVEN_NO_AUTOSTART") is "1" or "true")
                {
                    throw CliException.Unreachable($"daemon not reachable at {context.Paths.Socket}: {e.Message}");
                }

                var health = await DaemonControl.StartAsync(context.Paths, context.Console.Env, ct);
                context.Error.WriteLine($"coven: started daemon (pid {health.Daemon.Pid})");
            }
        }
    }

    private static Command Context(CliApp app)
    {
        var command = new Command(
            "context",
            "Named hosts whose Coven you drive over SSH (stored in COVEN_HOME/contexts.json, 0600).\n"
            + "A command talks to --host, else $COVEN_HOST, else the current context, else this machine.\n\n"
            + "Examples:\n"
            + "  coven context add build ssh://me@build.example\n"
            + "  coven context use build            # later commands talk to build\n"
            + "  coven ls --all-hosts               # every context's sessions\n"
            + "  coven context use local            # back to this machine");
        command.Add(ContextAdd(app));
        command.Add(ContextUse(app));
        command.Add(ContextList(app));
        command.Add(ContextRemove(app));
        return command;
    }

    private static Command ContextAdd(CliApp app)
    {
        var name = new Argument<string>("name") { Description = "Name of the context (also the prefix of qualified session references, build:3fa9)" };
        var host = new Argument<string>("host") { Description = "ssh://[user@]host[:port]" };
        var remoteCoven = new Option<string?>("--remote-coven") { Description = "Path of coven on that host (default: coven on the remote login's PATH)", HelpName = "path" };
        var remoteHome = new Option<string?>("--remote-home") { Description = "COVEN_HOME on that host (default: its own default)", HelpName = "dir" };
        var sshConfig = new Option<string?>("--ssh-config") { Description = "ssh config file for this host (ssh -F); default: your own ~/.ssh/config", HelpName = "file" };
        var sshOption = new Option<string[]>("--ssh-option") { Description = "An ssh option KEY=VALUE (ssh -o), repeatable", HelpName = "opt", AllowMultipleArgumentsPerToken = false };
        var force = new Option<bool>("--force", "-f") { Description = "Replace a context of that name" };
        var command = new Command("add", "Add a named host.\n\nExample:\n  coven context add build ssh://me@build:2222 --remote-coven ~/.local/bin/coven")
        {
            name, host, remoteCoven, remoteHome, sshConfig, sshOption, force,
        };
        app.Bind(command, (context, parse, ct) =>
        {
            var n = parse.GetValue(name)!;
            HostContexts.ValidateName(n);
            var target = SshTarget.Parse(parse.GetValue(host)!);
            foreach (var o in parse.GetValue(sshOption) ?? [])
            {
                if (!o.Contains('=', StringComparison.Ordinal) || o.StartsWith('-'))
                {
                    throw CliException.Usage($"--ssh-option '{o}' is not KEY=VALUE");
                }
            }

            var file = HostContexts.Load(context.Paths.Home);
            if (file.Contexts.Any(c => c.Name == n) && !parse.GetValue(force))
            {
                throw new CliException("context_exists", $"a context named '{n}' exists (use --force to replace it)", ExitCodes.Failed);
            }

            var entry = new HostContext
            {
                Name = n,
                Host = target.Address,
                RemoteCoven = parse.GetValue(remoteCoven),
                RemoteHome = parse.GetValue(remoteHome),
                SshConfig = parse.GetValue(sshConfig) is { Length: > 0 } cfg ? Path.GetFullPath(cfg) : null,
                SshOptions = parse.GetValue(sshOption) is { Length: > 0 } opts ? [.. opts] : null,
            };
            HostContexts.Save(context.Paths.Home, file with { Contexts = [.. file.Contexts.Where(c => c.Name != n), entry] });
            context.Out.WriteLine($"added context {n} ({target.Address})");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command ContextUse(CliApp app)
    {
        var name = new Argument<string>("name") { Description = "A context name, or local for this machine" };
        var command = new Command("use", "Make a context the default for later commands (local: this machine).\n\nExample:\n  coven context use build") { name };
        app.Bind(command, (context, parse, ct) =>
        {
            var n = parse.GetValue(name)!;
            var file = HostContexts.Load(context.Paths.Home);
            if (!HostContexts.IsLocalName(n) && file.Contexts.All(c => c.Name != n))
            {
                throw new CliException("context_not_found", $"no context named '{n}' (coven context ls lists them)", ExitCodes.NotFound);
            }

            HostContexts.Save(context.Paths.Home, file with { Current = HostContexts.IsLocalName(n) ? null : n });
            context.Out.WriteLine(HostContexts.IsLocalName(n) ? "using this machine's daemon" : $"using context {n}");
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command ContextList(CliApp app)
    {
        var json = Common.JsonOption("Print {\"current\": …, \"contexts\": […]}");
        var command = new Command("ls", "List contexts; * marks the current one.\n\nExample:\n  coven context ls") { json };
        command.Aliases.Add("list");
        app.Bind(command, (context, parse, ct) =>
        {
            var file = HostContexts.Load(context.Paths.Home);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(JsonSerializer.Serialize(file, RemoteJsonContext.Default.HostContextFile));
                return Task.FromResult(ExitCodes.Ok);
            }

            var table = new Table("", "NAME", "HOST", "REMOTE COVEN");
            table.Add(file.Current is null ? "*" : "", "local", context.Paths.Socket, "");
            foreach (var c in file.Contexts)
            {
                table.Add(file.Current == c.Name ? "*" : "", c.Name, c.Host, c.RemoteCoven ?? "coven");
            }

            table.Write(context.Out, context.Console.Color);
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    private static Command ContextRemove(CliApp app)
    {
        var name = new Argument<string>("name") { Description = "The context to remove" };
        var command = new Command("rm", "Remove a context (nothing on that host changes).\n\nExample:\n  coven context rm build") { name };
        command.Aliases.Add("remove");
        app.Bind(command, (context, parse, ct) =>
        {
            var n = parse.GetValue(name)!;
            var file = HostContexts.Load(context.Paths.Home);
            if (file.Contexts.All(c => c.Name != n))
            {
                throw new CliException("context_not_found", $"no context named '{n}'", ExitCodes.NotFound);
            }

            HostContexts.Save(context.Paths.Home, file with
            {
                Contexts = [.. file.Contexts.Where(c => c.Name != n)],
                Current = file.Current == n ? null : file.Current,
            });
            context.Out.WriteLine($"removed context {n}" + (file.Current == n ? " (now using this machine's daemon)" : string.Empty));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }
}
