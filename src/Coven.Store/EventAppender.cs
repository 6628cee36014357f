using Coven.Core;
using Microsoft.Data.Sqlite;

namespace Coven.Store;

/// <summary>
/// Appends batches of events of one session, each batch in one transaction, over a connection and a prepared
/// statement kept open between batches (see <see cref="EventRepository.OpenAppender"/>). After a failed batch
/// the connection is dropped and the next batch opens a fresh one, so a retry starts clean. One writer thread.
/// </summary>
public sealed class EventAppender : IDisposable
{
    private readonly CovenStore _store;
    private readonly SessionId _session;
    private SqliteConnection? _connection;
    private EventRepository.PreparedInsert? _insert;

    internal EventAppender(CovenStore store, SessionId session)
    {
        _store = store;
        _session = session;
    }

    /// <summary>Appends all events in one transaction; returns the last seq (0 if none).</summary>
    public long Append(IReadOnlyList<NewEvent> events)
    {
        ObjectDisposedException.ThrowIf(_store is null, this);
        if (events.Count == 0)
        {
            return 0;
        }

        try
        {
            _connection ??= _store.Open();
            _insert ??= new EventRepository.PreparedInsert(_connection, _session);
            using var tx = _connection.BeginTransaction();
            var last = _insert.Run(tx, events, _store.Now());
            tx.Commit();
            return last;
        }
        catch
        {
            Close();
            throw;
        }
    }

    public void Dispose() => Close();

    private void Close()
    {
        _insert?.Dispose();
        _insert = null;
        _connection?.Dispose();
        _connection = null;
    }
}
