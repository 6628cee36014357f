using Coven.Daemon.Api;
using Coven.Daemon.Cast;
using Coven.Daemon.Familiars;
using Coven.Daemon.Lanes;
using Coven.Daemon.Notifications;
using Coven.Daemon.Rituals;
using Coven.Daemon.Sessions;
using Coven.Daemon.Supervision;
using Coven.Daemon.Web;

namespace Coven.Daemon.Hosting;

/// <summary>
/// <c>ILogger&lt;T&gt;</c> of each of covend's own services, registered as a closed type. Left to the container, an
/// <c>ILogger&lt;T&gt;</c> is made from the open generic <c>Logger&lt;&gt;</c> with <c>MakeGenericType</c>, and under
/// NativeAOT each of those is a type the runtime type loader builds at start (85 built types were most of the start's
/// CPU; docs/benchmarks-daemon.md). Named here, the compiler builds them ahead of time. A service missing from the list
/// still gets its logger, only slower: <c>CovenLoggersTests</c> fails when one is missing.
/// </summary>
internal static class CovenLoggers
{
    public static void Add(IServiceCollection services)
    {
        Add<CastService>(services);
        Add<ConversationTracker>(services);
        Add<DeferredEvents>(services);
        Add<ErrorHandling>(services);
        Add<EventSpill>(services);
        Add<FamiliarService>(services);
        Add<LaneLauncher>(services);
        Add<LaneMonitors>(services);
        Add<LeftoverReaper>(services);
        Add<NotificationService>(services);
        Add<PruneJob>(services);
        Add<Reconciler>(services);
        Add<RitualJob>(services);
        Add<RitualService>(services);
        Add<SchedulerStarter>(services);
        Add<SearchIndexer>(services);
        Add<SessionService>(services);
        Add<SweepJob>(services);
        Add<Sweeper>(services);
        Add<WebCockpit>(services);
    }

    private static void Add<T>(IServiceCollection services) =>
        services.AddSingleton<ILogger<T>>(sp => new Logger<T>(sp.GetRequiredService<ILoggerFactory>()));
}
