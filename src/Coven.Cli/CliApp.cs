using System.CommandLine;
using System.CommandLine.Invocation;
using System.Text;
using Coven.Cli.Commands;
using Coven.Cli.Output;
using Coven.Core;

namespace Coven.Cli;

/// <summary>The <c>coven</c> command tree, parsing, and the one place that turns failures into exit codes.</summary>
internal sealed class CliApp
{
    private readonly SignalCancellation? _signals;

    /// <param name="args">
    /// The command line about to be run, when only the invoked command needs to exist: building every command's
    /// options and help was a fifth of a one-shot command's own CPU time (docs/benchmarks-cli.md). Null builds all.
    /// </param>
    public CliApp(CliConsole console, SignalCancellation? signals = null, IReadOnlyList<string>? args = null)
    {
        Console = console;
        _signals = signals;
        Home = new Option<string?>("--home")
        {
            Description = "COVEN_HOME to use (default: $COVEN_HOME, else ~/.coven)",
            Recursive = true,
            HelpName = "dir",
        };
        HostOption = new Option<string?>("--host", "-H")
        {
            Description = "Daemon of another host: ssh://[user@]host[:port] or a context name (default: $COVEN_HOST, else the current context, else this machine)",
            Recursive = true,
            HelpName = "host",
        };
        // Our own --help and --version instead of RootCommand's: the stock options look up their descriptions
        // through a ResourceManager, whose first use (reflection over the assembly) was ~0.2 ms of every
        // command's start (docs/benchmarks-cli.md).
        var help = new Option<bool>("--help", "-h", "-?")
        {
            Description = "Show help and usage information",
            Recursive = true,
            Arity = ArgumentArity.Zero,
            Action = new CovenHelpAction(console),
        };
        var version = new Option<bool>("--version")
        {
            Description = "Show version information",
            Arity = ArgumentArity.Zero,
            Action = new VersionAction(console),
        };
        Root = new Command(
            "coven",
            "coven: run coding-agent CLIs as supervised sessions.\n\n"
            + "Examples:\n"
            + "  coven run codex \"fix the failing tests\"\n"
            + "  coven ls\n"
            + "  coven attach 0193a5f0")
        {
            Home, HostOption, help, version,
        };
        var invoked = args is null ? null : InvokedCommand(args);
        var known = invoked is not null && Array.Exists(Commands, c => Array.IndexOf(c.Names, invoked) >= 0);
        foreach (var (names, add) in Commands)
        {
            if (!known || Array.IndexOf(names, invoked) >= 0)
            {
                add(this);
            }
        }
    }

    /// <summary>
    /// Every top-level command with the names (and aliases) it answers to, in the order help lists them. CliAppTests
    /// checks each entry's names against what its Add registers.
    /// </summary>
    internal static readonly (string[] Names, Action<CliApp> Add)[] Commands =
    [
        (["run"], RunCommand.Add),
        (["sessions", "ls"], SessionsCommand.Add),
        (["show"], ShowCommand.Add),
        (["logs"], LogsCommand.Add),
        (["attach"], AttachCommand.Add),
        (["send"], SendCommand.Add),
        (["screen"], ScreenCommand.Add),
        (["wait"], WaitCommand.Add),
        (["kill"], KillCommand.Add),
        (["archive", "summon", "sacrifice"], RitualCommands.Add),
        (["rituals"], RitualsCommand.Add),
        (["daemon"], DaemonCommand.Add),
        (["doctor"], DoctorCommand.Add),
        (["capabilities", "action"], ControlPlaneCommands.Add),
        (["familiars"], FamiliarsCommand.Add),
        (["cast"], CastCommand.Add),
        (["handoff"], HandoffCommand.Add),
        (["resume"], ResumeCommand.Add),
        (["diff", "merge", "worktrees"], WorktreeCommands.Add),
        (["completion", "__complete"], CompletionCommand.Add),
        (["dial-stdio", "context"], RemoteCommands.Add),
        (["prune", "vacuum"], StoreCommands.Add),
        (["search"], SearchCommand.Add),
        (["harnesses"], HarnessesCommand.Add),
        (["notify"], NotifyCommand.Add),
        (["web"], WebCommand.Add),
    ];

    /// <summary>Commands that need the whole tree (completion lists every command).</summary>
    private static readonly string[] s_needAll = ["completion", "__complete"];

    /// <summary>
    /// The first token that is not a root option (or an option's value): the command being run, or null when there is
    /// none, when the line uses a response file (@file) or when the command needs the whole tree.
    /// </summary>
    internal static string? InvokedCommand(IReadOnlyList<string> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (token is "--home" or "--host" or "-H")
            {
                i++;
                continue;
            }

            if (token.StartsWith('@'))
            {
                return null;
            }

            if (token.StartsWith('-'))
            {
                // --home=DIR, -Hhost and the like, or --help/--version: still before the command.
                continue;
            }

            return Array.IndexOf(s_needAll, token) >= 0 ? null : token;
        }

        return null;
    }

    public CliConsole Console { get; }
    public Option<string?> Home { get; }
    public Option<string?> HostOption { get; }
    public Command Root { get; }

    /// <summary>Turns SIGINT/SIGTERM/SIGHUP into cancellation from now on (for a command that turns out to run long).</summary>
    public void EnableSignals() => _signals?.Enable();

    public CovenPaths PathsFor(ParseResult parse)
    {
        var home = parse.GetValue(Home);
        return string.IsNullOrEmpty(home) ? FromEnvironment(Console.Env) : new CovenPaths(home);
    }

    /// <summary>Gives a command its action, with the error handling every command shares.</summary>
    public void Bind(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> run, bool longRunning = false) =>
        Bind(command, run, longRunning ? static _ => true : static _ => false);

    /// <summary>
    /// As <see cref="Bind(Command, Func{CliContext, ParseResult, CancellationToken, Task{int}}, bool)"/>, long-running
    /// (signals turned into cancellation, the work on a pool thread) only when <paramref name="longRunningIf"/> says so
    /// for this command line: <c>run --detach</c> is one request and keeps the default signal disposition and its one
    /// thread, <c>run</c> attaches.
    /// </summary>
    public void Bind(Command command, Func<CliContext, ParseResult, CancellationToken, Task<int>> run, Func<ParseResult, bool> longRunningIf) =>
        command.SetAction(async (parse, ct) =>
        {
            var longRunning = longRunningIf(parse);
            if (longRunning)
            {
                _signals?.Enable();
            }

            var context = new CliContext(Console, PathsFor(parse), parse.GetValue(HostOption));
            try
            {
                if (!longRunning)
                {
                    return await run(context, parse, ct);
                }

                // A request to the daemon blocks its thread until the answer (up to the client's receive timeout):
                // run the command on a pool thread so a signal ends it at once, after a short grace period in which
                // a command that watches the token (attach restoring the terminal) finishes by itself.
                var work = Task.Run(() => run(context, parse, ct), CancellationToken.None);
                var cancelled = new TaskCompletionSource();
                using (ct.Register(() => cancelled.TrySetResult()))
                {
                    if (await Task.WhenAny(work, cancelled.Task) == work || await Task.WhenAny(work, Task.Delay(SignalGrace, CancellationToken.None)) == work)
                    {
                        return await work;
                    }
                }

                Console.Error.WriteLine("coven: interrupted");
                return ExitCodes.Interrupted;
            }
            catch (CliException e)
            {
                ReportError(e);
                if (e.ExitCode == ExitCodes.Usage && e.Code == "usage")
                {
                    Console.Error.WriteLine("Usage: " + UsageLine(parse.CommandResult.Command));
                    Console.Error.WriteLine($"Run '{CommandPath(parse.CommandResult.Command)} --help' for more information.");
                }

                return e.ExitCode;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
            catch (IOException e) when (IsBrokenPipe(e))
            {
                return ExitCodes.Ok;
            }
            finally
            {
                context.Dispose();
            }
        });

    /// <summary>How long a command may take to wind down after a signal before coven exits anyway.</summary>
    private static readonly TimeSpan SignalGrace = TimeSpan.FromSeconds(2);

    public void ReportError(CliException e)
    {
        var prefix = Console.ErrorColor ? Ansi.Red + "coven:" + Ansi.Reset : "coven:";
        Console.Error.WriteLine($"{prefix} {e.Message} ({e.Code})");
        foreach (var line in e.DetailLines)
        {
            Console.Error.WriteLine(line);
        }
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        try
        {
            return await InvokeAsync(args, ct);
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            // stdout closed under us (`coven --help | head -1`): nothing more to say, and never an abort.
            return ExitCodes.Ok;
        }
    }

    private async Task<int> InvokeAsync(IReadOnlyList<string> args, CancellationToken ct)
    {
        var parse = Root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var message in UsageErrors.Describe(parse))
            {
                Console.Error.WriteLine($"coven: {message} (usage)");
            }

            var command = parse.CommandResult.Command;
            Console.Error.WriteLine("Usage: " + UsageLine(command));
            Console.Error.WriteLine($"Run '{CommandPath(command)} --help' for more information.");
            return ExitCodes.Usage;
        }

        var config = new InvocationConfiguration
        {
            Output = Console.Out,
            Error = Console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(config, ct);
    }

    /// <summary>Prints <see cref="HelpText"/> for the command (System.CommandLine's help builder is not public).</summary>
    private sealed class CovenHelpAction(CliConsole console) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            console.Out.Write(HelpText.For(parseResult.CommandResult.Command));
            console.Out.Flush();
            return ExitCodes.Ok;
        }
    }

    private sealed class VersionAction(CliConsole console) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            console.Out.WriteLine(ProductVersion.Full);
            console.Out.Flush();
            return ExitCodes.Ok;
        }
    }

    /// <summary>
    /// The options <paramref name="command"/> takes, as help lists them: its own visible ones, then the visible recursive
    /// ones of each command above it (each once). Help, completion and the "did you mean" of usage errors use this.
    /// </summary>
    public static IEnumerable<Option> OptionsOf(Command command)
    {
        var seen = new HashSet<Option>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            foreach (var o in c.Options)
            {
                if (!o.Hidden && (c == command || o.Recursive) && seen.Add(o))
                {
                    yield return o;
                }
            }
        }
    }

    public static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? s = command; s is Command c; s = c.Parents.FirstOrDefault())
        {
            names.Add(c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    public static string UsageLine(Command command)
    {
        var sb = new StringBuilder(CommandPath(command));
        if (command.Subcommands.Count > 0)
        {
            sb.Append(" <command>");
        }

        foreach (var a in command.Arguments)
        {
            if (a.Hidden)
            {
                continue;
            }

            var name = "<" + (a.HelpName ?? a.Name) + ">";
            sb.Append(' ').Append(a.Arity.MinimumNumberOfValues == 0 ? "[" + name + "]" : name);
            if (a.Arity.MaximumNumberOfValues > 1)
            {
                sb.Append("...");
            }
        }

        sb.Append(" [options]");
        return sb.ToString();
    }

    private static CovenPaths FromEnvironment(Func<string, string?> env)
    {
        var home = env("COVEN_HOME");
        if (string.IsNullOrEmpty(home))
        {
            var user = env("HOME");
            home = Path.Combine(string.IsNullOrEmpty(user) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : user, ".coven");
        }

        return new CovenPaths(home);
    }

    private static bool IsBrokenPipe(IOException e) => e.HResult == 32; // EPIPE from FdWriteStream
}
