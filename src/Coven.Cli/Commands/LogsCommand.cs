using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Coven.Cli.Api;
using Coven.Core;
using Coven.Core.Api;
using Coven.Cli.Output;
using Coven.Core.Text;

namespace Coven.Cli.Commands;

internal static class LogsCommand
{
    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing live output until the session ends" };
        var raw = new Option<bool>("--raw") { Description = "Write the exact output bytes (control sequences included)" };
        var since = new Option<string?>("--since") { Description = "Only output after this time: a duration ago (10m, 2h) or an RFC 3339 timestamp; a plain number is an event seq (as --since-seq)", HelpName = "when" };
        var sinceSeq = new Option<long?>("--since-seq") { Description = "Only events after this event seq", HelpName = "seq" };
        var until = new Option<string?>("--until") { Description = "Only output before this time (a duration ago or an RFC 3339 timestamp)", HelpName = "when" };
        var tail = new Option<int?>("--tail", "-n") { Description = "Only the last N lines (with -f: then follow)", HelpName = "lines" };
        var grep = new Option<string?>("--grep", "-g") { Description = "Only lines matching this .NET regular expression (lines as -f prints them); exit 1 when none", HelpName = "pattern" };
        var fixedStrings = new Option<bool>("--fixed-strings", "-F") { Description = "With --grep: the pattern is plain text, not a regular expression" };
        var ignoreCase = new Option<bool>("--ignore-case", "-i") { Description = "With --grep: ignore case" };
        var grepContext = new Option<int>("--context", "-C") { Description = "With --grep: lines of context before and after each match", HelpName = "lines" };
        var command = new Command(
            "logs",
            "Print a session's output. Readable text by default (replayed through a terminal model at the session's size,\n"
            + "as a person would have seen it); --raw for the exact bytes. With -f, text is printed as it arrives\n"
            + "(line by line, control sequences removed, cursor moves turned into spaces or line breaks).\n\n"
            + "Examples:\n"
            + "  coven logs 0193a5f0\n"
            + "  coven logs 0193a5f0 -f --tail 20\n"
            + "  coven logs 0193a5f0 --since 10m\n"
            + "  coven logs 0193a5f0 --since 2026-12-01T09:00:00Z --until 2026-12-01T10:00:00Z\n"
            + "  coven logs 0193a5f0 --grep 'error|panic' -C 2\n"
            + "  coven logs 0193a5f0 -F --grep 'a[0]' -f\n"
            + "  coven logs 0193a5f0 --raw > session.typescript")
        {
            session, follow, raw, since, sinceSeq, until, tail, grep, fixedStrings, ignoreCase, grepContext,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(grep) is null)
            {
                if (r.GetValue(fixedStrings) || r.GetValue(ignoreCase) || r.GetValue(grepContext) != 0)
                {
                    r.AddError("-F, -i and -C go with --grep");
                }
            }
            else if (r.GetValue(raw) || r.GetValue(tail) is not null)
            {
                r.AddError("--grep cannot be combined with --raw or --tail");
            }
            else if (r.GetValue(grepContext) is < 0 or > 1000)
            {
                r.AddError("--context must be 0 to 1000 lines");
            }
            else if (!r.GetValue(fixedStrings) && GrepMatcher(r.GetValue(grep)!, r.GetValue(ignoreCase), out var why) is null)
            {
                r.AddError($"invalid --grep pattern: {why}");
            }
        });
        sinceSeq.Validators.Add(r =>
        {
            if (OptionValues.TryGet<long?>(r, out var n) && n is < 0)
            {
                r.AddError("--since-seq must be a seq >= 0");
            }
        });
        tail.Validators.Add(r =>
        {
            if (OptionValues.TryGet<int?>(r, out var n) && n is < 0)
            {
                r.AddError("--tail must be a number of lines >= 0");
            }
        });
        since.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _) && !TryParseWhen(text, DateTimeOffset.UtcNow, out _))
            {
                r.AddError($"invalid --since '{text}': expected a duration ago (30s, 10m, 2h, 1d), an RFC 3339 timestamp (2026-12-01T09:00:00Z) or an event seq");
            }
        });
        until.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !TryParseWhen(text, DateTimeOffset.UtcNow, out _))
            {
                r.AddError($"invalid --until '{text}': expected a duration ago (30s, 10m, 2h, 1d) or an RFC 3339 timestamp (2026-12-01T09:00:00Z)");
            }
        });
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            var rawMode = parse.GetValue(raw);
            var followMode = parse.GetValue(follow);
            var tailLines = parse.GetValue(tail);
            var now = DateTimeOffset.UtcNow;
            var seq = parse.GetValue(sinceSeq) ?? 0;
            DateTimeOffset? from = null, to = null;
            if (parse.GetValue(since) is { } sinceText)
            {
                if (long.TryParse(sinceText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                {
                    seq = Math.Max(seq, n);
                }
                else if (TryParseWhen(sinceText, now, out var t))
                {
                    from = t;
                }
            }

            if (parse.GetValue(until) is { } untilText && TryParseWhen(untilText, now, out var u))
            {
                to = u;
            }

            bool InWindow(EventDto e) =>
                (from is null && to is null)
                || (Format.TryParseTime(e.CreatedAt, out var at) && (from is null || at >= from) && (to is null || at < to));

            var transcript = new OutputRenderer(s.Cols, s.Rows);
            var rawBytes = new List<byte>();
            var lines = new LineRenderer();
            var endsWithNewline = true;

            // --grep: the lines of -f (decoded across events, so a character split between them is whole).
            LineGrep? grepper = null;
            var decoder = new UTF8Encoding(false, false).GetDecoder();
            if (parse.GetValue(grep) is { } pattern)
            {
                var match = parse.GetValue(fixedStrings)
                    ? (string line) => line.Contains(pattern, parse.GetValue(ignoreCase) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
                    : GrepMatcher(pattern, parse.GetValue(ignoreCase), out _)!;
                grepper = new LineGrep(match, parse.GetValue(grepContext), context.Out);
            }

            void Grep(EventDto e)
            {
                var bytes = EventPayloads.OutputBytes(e);
                var chars = new char[decoder.GetCharCount(bytes, flush: false)];
                var n = decoder.GetChars(bytes, 0, bytes.Length, chars, 0, flush: false);
                grepper!.Feed(lines.Render(new string(chars, 0, n)));
            }
            void Write(string text)
            {
                if (text.Length > 0)
                {
                    context.Out.Write(text);
                    endsWithNewline = text[^1] == '\n';
                }
            }

            // Where retention pruned output (docs/retention.md): said in place, in every mode.
            static EventDto AsOutput(EventDto e) =>
                e.Kind == "truncated" && TruncatedPayload.Notice(e.PayloadJson) is { } notice
                    ? e with { Kind = "output", PayloadJson = JsonSerializer.Serialize(new OutputPayload { Data = Encoding.UTF8.GetString(notice) }, CovenJsonContext.Default.OutputPayload) }
                    : e;

            void Collect(EventDto e)
            {
                e = AsOutput(e);
                if (e.Kind != "output" || !InWindow(e))
                {
                    return;
                }

                if (grepper is not null)
                {
                    Grep(e);
                }
                else if (rawMode && tailLines is null)
                {
                    context.Console.WriteRaw(EventPayloads.OutputBytes(e));
                }
                else if (rawMode)
                {
                    rawBytes.AddRange(EventPayloads.OutputBytes(e));
                }
                else if (followMode && tailLines is null)
                {
                    Write(lines.Render(EventPayloads.OutputText(e)));
                }
                else
                {
                    transcript.Append(EventPayloads.OutputBytes(e));
                }
            }

            void Live(EventDto e)
            {
                e = AsOutput(e);
                if (e.Kind != "output" || !InWindow(e))
                {
                    return;
                }

                if (grepper is not null)
                {
                    Grep(e);
                }
                else if (rawMode)
                {
                    context.Console.WriteRaw(EventPayloads.OutputBytes(e));
                }
                else
                {
                    Write(lines.Render(EventPayloads.OutputText(e)));
                }
            }

            // What is recorded so far: printed at once, or (readable, or with --tail) rendered whole and then printed.
            if (!followMode || tailLines is not null)
            {
                seq = await EventPayloads.ReadAllAsync(client, s.Id, seq, null, Collect, ct);
                if (rawMode && tailLines is { } rn)
                {
                    context.Console.WriteRaw(TailBytes([.. rawBytes], rn));
                }
                else if (!rawMode && grepper is null)
                {
                    var text = transcript.Render();
                    Write(tailLines is { } n ? TailLines(text, n) : text);
                }
            }

            if (followMode)
            {
                await FollowAsync(context, client, s.Id, seq, tailLines is null ? Collect : Live, ct);
                if (!rawMode && grepper is null)
                {
                    Write(lines.Flush());

                    // A shell prompt after `logs -f` starts on a line of its own.
                    if (!endsWithNewline)
                    {
                        context.Out.Write('\n');
                    }
                }
            }

            if (grepper is not null)
            {
                var held = new char[8];
                var heldCount = decoder.GetChars([], 0, 0, held, 0, flush: true);
                grepper.Feed(lines.Render(new string(held, 0, heldCount)) + lines.Flush());
                grepper.Flush();
                context.Out.Flush();
                return grepper.Matches > 0 ? ExitCodes.Ok : ExitCodes.Failed;
            }

            context.Out.Flush();
            return ExitCodes.Ok;
        }, longRunningIf: parse => parse.GetValue(follow));
        app.Root.Add(command);
    }

    /// <summary>The --grep regular expression as a line predicate, or null (with the reason) when it is not valid.</summary>
    private static Func<string, bool>? GrepMatcher(string pattern, bool ignoreCase, out string? why)
    {
        try
        {
            var regex = new Regex(pattern, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), TimeSpan.FromSeconds(1));
            why = null;
            return regex.IsMatch;
        }
        catch (ArgumentException e)
        {
            why = e.Message;
            return null;
        }
    }

    /// <summary>A duration ago (<c>10m</c>, <c>2h</c>, <c>1d</c>) or an RFC 3339 timestamp.</summary>
    internal static bool TryParseWhen(string text, DateTimeOffset now, out DateTimeOffset when)
    {
        if (Durations.TryParse(text, out var ago))
        {
            when = now - ago;
            return true;
        }

        if (text.Length >= 10 && char.IsAsciiDigit(text[0]) && text.Contains('-', StringComparison.Ordinal) && Format.TryParseTime(text, out when))
        {
            return true;
        }

        when = default;
        return false;
    }

    /// <summary>The last <paramref name="n"/> lines of rendered text (a final newline does not count as an empty line).</summary>
    internal static string TailLines(string text, int n)
    {
        if (n == 0)
        {
            return string.Empty;
        }

        var newline = text.EndsWith('\n');
        var parts = (newline ? text[..^1] : text).Split('\n');
        return parts.Length <= n ? text : string.Join('\n', parts[^n..]) + (newline ? "\n" : string.Empty);
    }

    private static byte[] TailBytes(byte[] bytes, int n)
    {
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        return System.Text.Encoding.Latin1.GetBytes(TailLines(text, n));
    }

    /// <summary>
    /// Streams events until the session has ended, reconnecting with the last seq when the connection drops (a local
    /// daemon restarting, or an ssh connection to a remote host breaking and coming back): up to 50 attempts in a row
    /// that make no progress, backing off to one a second.
    /// </summary>
    private static async Task FollowAsync(CliContext context, CovenClient client, string id, long afterSeq, Action<EventDto> print, CancellationToken ct)
    {
        const int MaxFailures = 50;
        var seq = afterSeq;
        var failures = 0;
        while (true)
        {
            try
            {
                await foreach (var e in client.StreamAsync(id, seq, ct))
                {
                    seq = Math.Max(seq, e.Seq);
                    failures = 0;
                    if (e.Kind == "store")
                    {
                        // The store filled up (or has room again): the session's output waits, said on stderr.
                        var notice = CovenClient.Deserialize(e.PayloadJson, CovenJsonContext.Default.StoreNotice);
                        context.Error.WriteLine($"[coven: store {notice.State}{(notice.Message is { } m ? ": " + m : string.Empty)}]");
                        continue;
                    }

                    print(e);
                    if (e.Kind == "output")
                    {
                        context.Out.Flush();
                    }
                }

                var session = await client.GetAsync($"api/v1/sessions/{id}", CovenJsonContext.Default.SessionDto, ct);
                if (session.Status is not ("live" or "pending"))
                {
                    await EventPayloads.ReadAllAsync(client, id, seq, "output", print, ct);
                    return;
                }
            }
            catch (CliException ex) when (IsConnectionLoss(ex) && failures < MaxFailures)
            {
            }

            if (++failures > MaxFailures)
            {
                throw CliException.Unreachable("lost the event stream and could not reconnect");
            }

            await Task.Delay(Math.Min(1000, 20 * failures), ct);
        }
    }

    /// <summary>The connection went away (the stream or the status request), as opposed to an answer that says no.</summary>
    private static bool IsConnectionLoss(CliException e) => e.Code is "daemon_unreachable" or "host_unreachable";
}
