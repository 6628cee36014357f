using Coven.Daemon.Supervision;
using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Keeps the search index (docs/search.md) up with recorded output: at most once a second, and only after a session
/// was pulsed (a lane appended), it indexes the output events recorded since its last pass, in batches of one short
/// transaction each, so lanes never wait long for the lock. A search indexes what is left itself before it answers.
/// </summary>
internal sealed partial class SearchIndexer(CovenStore store, SessionSignals signals, TimeProvider time, ILogger<SearchIndexer> logger) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    /// <summary>A pass even without a pulse: output a lane recorded while the daemon was not attached to it.</summary>
    private static readonly TimeSpan s_fallback = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var follow = signals.FollowAny();
        var failing = false;
        try
        {
            while (true)
            {
                await follow.NextAsync(s_interval, s_fallback, time, stoppingToken);
                try
                {
                    while (!stoppingToken.IsCancellationRequested && store.Search.CatchUp() > 0)
                    {
                        await Task.Yield();
                    }

                    failing = false;
                }
                catch (Microsoft.Data.Sqlite.SqliteException e)
                {
                    // Busy or full: the next pass retries from the same cursor. Said once per run of failures.
                    if (!failing)
                    {
                        LogFailed(e);
                    }

                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(EventId = Logging.EventIds.SearchIndexFailed, Level = LogLevel.Warning, Message = "Indexing output for search failed (retrying)")]
    private partial void LogFailed(Exception exception);
}
