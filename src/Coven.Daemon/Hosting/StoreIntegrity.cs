using Coven.Core;
using Coven.Core.Api;
using Coven.Store;

namespace Coven.Daemon.Hosting;

/// <summary>
/// Runs SQLite's quick_check once, in the background, when first asked (health is asked at start by every client
/// that handshakes), and keeps the answer: a full check on every health request would cost seconds on a big store.
/// </summary>
internal sealed class StoreIntegrity
{
    private readonly CovenStore _store;
    private readonly TimeProvider _time;
    private readonly Lazy<Task<StoreHealth>> _check;

    /// <param name="preflight">quick_check's answer from the start-up preflight, so a big store is not scanned twice.</param>
    public StoreIntegrity(CovenStore store, TimeProvider time, string? preflight = null)
    {
        _store = store;
        _time = time;
        _check = new Lazy<Task<StoreHealth>>(() => preflight is null ? Task.Run(Check) : Task.FromResult(Result(preflight)));
    }

    public StoreHealth Current
    {
        get
        {
            var task = _check.Value;
            return task.IsCompletedSuccessfully
                ? task.Result
                : new StoreHealth { Ok = false, Integrity = task.IsFaulted ? "error: " + task.Exception!.GetBaseException().Message : "pending" };
        }
    }

    /// <summary>Completes when the check has run (for callers that want the final answer).</summary>
    public Task<StoreHealth> Completion => _check.Value;

    private StoreHealth Check() => Result(_store.IntegrityCheck());

    private StoreHealth Result(string integrity)
    {
        return new StoreHealth
        {
            Ok = integrity == "ok",
            Integrity = integrity,
            SchemaVersion = _store.SchemaVersion(),
            CheckedAt = Timestamps.Of(_time.GetUtcNow()),
        };
    }
}
