using Coven.Store;

namespace Coven.Daemon.Sessions;

/// <summary>
/// Keeps the search index (docs/search.md) up with recorded output: every second it indexes the output events
/// recorded since its last pass, in batches of one short transaction each, so lanes never wait long for the lock.
/// A search indexes what is left itself before it answers.
/// </summary>
internal sealed partial class SearchIndexer(CovenStore store, ILogger<SearchIndexer> logger) : BackgroundService
{
    private static readonly TimeSpan s_interval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_interval);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
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
