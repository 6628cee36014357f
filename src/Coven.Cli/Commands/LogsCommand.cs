using System.CommandLine;
using System.Text;
using System.Text.Json;
using Coven.Cli.Api;
using Coven.Core;
using Coven.Core.Api;
using Coven.Cli.Output;

namespace Coven.Cli.Commands;

internal static class LogsCommand
{
    public static void Add(CliApp app)
    {
        var session = Common.SessionArgument();
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing live output until the session ends" };
        var raw = new Option<bool>("--raw") { Description = "Write the exact output bytes (control sequences included)" };
        var since = new Option<long?>("--since") { Description = "Only events after this seq", HelpName = "seq" };
        var command = new Command(
            "logs",
            "Print a session's output. Readable text by default (replayed through a terminal model at the session's size,\n"
            + "as a person would have seen it); --raw for the exact bytes. With -f, text is printed as it arrives\n"
            + "(line by line, control sequences removed, cursor moves turned into spaces or line breaks).\n\n"
            + "Examples:\n"
            + "  coven logs 0193a5f0\n"
            + "  coven logs 0193a5f0 -f\n"
            + "  coven logs 0193a5f0 --raw > session.typescript")
        {
            session, follow, raw, since,
        };
        since.Validators.Add(r =>
        {
            if (OptionValues.TryGet<long?>(r, out var n) && n is < 0)
            {
                r.AddError("--since must be a seq >= 0");
            }
        });
        app.Bind(command, async (context, parse, ct) =>
        {
            var (client, s) = await Common.ResolveAsync(context, parse.GetValue(session)!, ct);
            var rawMode = parse.GetValue(raw);
            var followMode = parse.GetValue(follow);
            var transcript = new OutputRenderer(s.Cols, s.Rows);
            var lines = new LineRenderer();
            void Print(EventDto e)
            {
                if (e.Kind == "truncated" && TruncatedPayload.Notice(e.PayloadJson) is { } notice)
                {
                    // Where retention pruned output (docs/retention.md): said in place, in every mode.
                    e = e with { Kind = "output", PayloadJson = JsonSerializer.Serialize(new OutputPayload { Data = Encoding.UTF8.GetString(notice) }, CovenJsonContext.Default.OutputPayload) };
                }

                if (e.Kind != "output")
                {
                    return;
                }

                if (rawMode)
                {
                    context.Console.WriteRaw(EventPayloads.OutputBytes(e));
                }
                else if (followMode)
                {
                    context.Out.Write(lines.Render(EventPayloads.OutputText(e)));
                }
                else
                {
                    transcript.Append(EventPayloads.OutputBytes(e));
                }
            }

            var seq = parse.GetValue(since) ?? 0;
            if (!followMode)
            {
                await EventPayloads.ReadAllAsync(client, s.Id, seq, null, Print, ct);
                if (!rawMode)
                {
                    context.Out.Write(transcript.Render());
                }
            }
            else
            {
                await FollowAsync(context, client, s.Id, seq, Print, ct);
                if (!rawMode)
                {
                    context.Out.Write(lines.Flush());
                }
            }

            context.Out.Flush();
            return ExitCodes.Ok;
        }, longRunning: true);
        app.Root.Add(command);
    }

    /// <summary>Streams events until the session has ended, reconnecting with the last seq when the connection drops.</summary>
    private static async Task FollowAsync(CliContext context, CovenClient client, string id, long afterSeq, Action<EventDto> print, CancellationToken ct)
    {
        var seq = afterSeq;
        var failures = 0;
        while (true)
        {
            var progressed = false;
            try
            {
                await foreach (var e in client.StreamAsync(id, seq, ct))
                {
                    seq = Math.Max(seq, e.Seq);
                    progressed = true;
                    print(e);
                    if (e.Kind == "output")
                    {
                        context.Out.Flush();
                    }
                }
            }
            catch (CliException ex) when (ex.Code == "daemon_unreachable" && failures < 50)
            {
                failures++;
            }

            var session = await client.GetAsync($"api/v1/sessions/{id}", CovenJsonContext.Default.SessionDto, ct);
            if (session.Status is not ("live" or "pending"))
            {
                await EventPayloads.ReadAllAsync(client, id, seq, "output", print, ct);
                return;
            }

            failures = progressed ? 0 : failures + 1;
            if (failures > 50)
            {
                throw CliException.Unreachable("lost the event stream and could not reconnect");
            }

            await Task.Delay(Math.Min(1000, 20 * failures), ct);
        }
    }
}
