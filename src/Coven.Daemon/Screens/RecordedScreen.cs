using System.Text.Json;
using Coven.Core;
using Coven.Core.Api;
using Coven.Store;
using Coven.Terminal;

namespace Coven.Daemon.Screens;

/// <summary>
/// The last screen of a session that has ended: its recorded output (and resizes, in order) replayed through the
/// terminal model at the session's launch size. Pages through the store, so memory stays bounded by one page.
/// </summary>
internal static class RecordedScreen
{
    private const int PageSize = 500;

    public static ScreenDto Render(CovenStore store, SessionRecord session, bool ansi)
    {
        var screen = new TerminalScreen(session.Columns > 0 ? session.Columns : 120, session.Rows > 0 ? session.Rows : 40, scrollbackLines: 0);
        var afterSeq = 0L;
        while (true)
        {
            var page = store.Events.Page(session.Id, afterSeq, PageSize);
            foreach (var e in page)
            {
                afterSeq = e.Seq;
                if (e.Kind == EventKinds.Output)
                {
                    // A damaged event is skipped, not fatal: the rest of the screen is still worth showing.
                    if (OutputPayload.Bytes(e.PayloadJson) is { } bytes)
                    {
                        screen.Feed(bytes);
                    }
                }
                else if (e.Kind == EventKinds.Truncated && TruncatedPayload.Notice(e.PayloadJson) is { } notice)
                {
                    screen.Feed(notice);
                }
                else if (e.Kind == EventKinds.Resize && TryReadSize(e.PayloadJson, out var cols, out var rows))
                {
                    screen.Resize(cols, rows);
                }
            }

            if (page.Count < PageSize)
            {
                break;
            }
        }

        return ScreenDto.From(screen, ansi, live: false);
    }

    private static bool TryReadSize(string payloadJson, out int cols, out int rows)
    {
        cols = rows = 0;
        try
        {
            var size = JsonSerializer.Deserialize(payloadJson, CovenJsonContext.Default.ResizePayload);
            if (size is null)
            {
                return false;
            }

            (cols, rows) = (size.Cols, size.Rows);
            return cols > 0 && rows > 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
