using Coven.Core;
using Coven.Daemon.Cast;
using Coven.Daemon.Familiars;
using Coven.Daemon.Handoff;
using Coven.Daemon.Api;
using Coven.Daemon.Hosting;
using Coven.Interop;
using Coven.Daemon.Lanes;
using Coven.Daemon.Logging;
using Coven.Daemon.Rituals;
using Coven.Daemon.Sessions;
using Coven.Daemon.Supervision;
using Coven.Store;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Quartz;

namespace Coven.Daemon;

/// <summary>covend: one daemon per COVEN_HOME, Kestrel on the Unix socket only, lanes supervised, never killed on exit.</summary>
internal static partial class DaemonHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        // Every file the daemon (and SQLite: coven.db, -wal, -shm) creates in COVEN_HOME is private to the user.
        InheritedLimits.Apply();
        var options = DaemonOptions.Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync(error);
            return DaemonExitCodes.Usage;
        }

        SingleInstance? instance;
        try
        {
            instance = SingleInstance.TryAcquire(options.Paths, out var message);
            if (instance is null)
            {
                // The CLI's auto-start knows this code: another daemon won the lock, connect to it.
                await Console.Error.WriteLineAsync(message);
                return DaemonExitCodes.AlreadyRunning;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"covend: cannot use {options.Paths.Home}: {e.Message}");
            return DaemonExitCodes.Failed;
        }

        using (instance)
        {
            var time = TimeProvider.System;

            // A file that is not a Coven store this build can use is never touched: no migration, no WAL switch.
            string? integrity;
            string? problem;
            try
            {
                problem = StorePreflight.Problem(options.Paths.Database, out integrity);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                (problem, integrity) = ("it cannot be read: " + e.Message, null);
            }

            if (problem is not null)
            {
                await Console.Error.WriteLineAsync(StoreUnusableLine(options.Paths.Database, problem));
                return DaemonExitCodes.StoreUnusable;
            }

            using var store = new CovenStore(options.Paths.Database, time);
            store.Redaction = Core.Redaction.RedactionRules.Load(options.Paths.Home, out var redactionError);
            if (await MigrationGuard.CheckAsync(store, options) is { } blocked)
            {
                await Console.Error.WriteLineAsync(blocked);
                return DaemonExitCodes.LanesBlockMigration;
            }

            try
            {
                store.Migrate();
                store.RestrictFileModes();
            }
            catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or StoreException or IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync(StoreUnusableLine(options.Paths.Database, "it cannot be prepared: " + e.Message.Split('\n')[0]));
                return DaemonExitCodes.StoreUnusable;
            }

            var app = Build(options, store, instance, time, InheritedLimits.RaisedFileLimit, integrity);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Coven.Daemon");
            var monitors = app.Services.GetRequiredService<LaneMonitors>();
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopping.Register(() =>
            {
                LogStopping(logger);
                _ = monitors.StopAsync();
            });
            if (redactionError is not null)
            {
                LogRedactionSettings(logger, redactionError);
            }

            // quick_check before listening: cheap for the stores Coven writes, and doctor then gets a final answer.
            await app.Services.GetRequiredService<StoreIntegrity>().Completion;

            // Input an earlier covend delivered and could not record before it died (docs/daemon.md): written before anything else.
            app.Services.GetRequiredService<DeferredEvents>().ReplaySpill();

            // No window in which the socket exists with a wider mode: bind under umask 0177, then chmod anyway.
            _ = Libc.Umask(0x7F);
            try
            {
                await app.StartAsync();
            }
            finally
            {
                _ = Libc.Umask(InheritedLimits.PrivateUmask);
            }

            File.SetUnixFileMode(options.Paths.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var clock = app.Services.GetRequiredService<DaemonClock>();
            instance.WriteInfo(new DaemonInfoDocument(Environment.ProcessId, Timestamps.Of(clock.StartedAt), ProductVersion.Number, options.Paths.Socket));
            LogStarted(logger, Environment.ProcessId, options.Paths.Socket, monitors.MonitorCount);

            await app.WaitForShutdownAsync();
            instance.RemoveInfo();
            LogStopped(logger);
            var failed = app.Services.GetService<SchedulerStarter>() is { Failed: true };
            await app.DisposeAsync();
            return failed ? DaemonExitCodes.Failed : 0;
        }
    }

    /// <summary>The one line covend prints (and the CLI shows) when the store is unusable.</summary>
    internal static string StoreUnusableLine(string path, string reason) => $"covend: the store {path} is unusable: {reason}; it was not modified (move it away to start with a new store)";

    /// <summary>
    /// Kestrel's connection cap below RLIMIT_NOFILE: the rest is headroom for lane sockets (a monitor per live
    /// session plus short requests), the store's pooled connections, logs, epoll and the runtime.
    /// </summary>
    internal static long ConnectionCap(ulong fdLimit)
    {
        var limit = fdLimit is 0 or > 1_000_000 ? 1_000_000 : (long)fdLimit;
        return Math.Max(16, limit - Math.Max(256, limit / 2));
    }

    private static WebApplication Build(DaemonOptions options, CovenStore store, SingleInstance instance, TimeProvider time, ulong fdLimit, string? integrity)
    {
        // The empty builder: no configuration sources (covend reads none: no appsettings.json, ASPNETCORE_* or DOTNET_*
        // host settings, and no file watcher on COVEN_HOME for them), no console logging; Kestrel and routing added by
        // hand. Less to build and one thread fewer than the slim builder (docs/benchmarks-daemon.md).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.Paths.Home });
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();

        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new FileLoggerProvider(
            Path.Combine(options.Paths.LogsDir, "covend.log"), options.LogFileMaxBytes, options.LogFilesKept, LogLevel.Information, time) { Redaction = store.Redaction });
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;

            // Past the cap Kestrel accepts and closes at once; BoundedListenerFactory does not even accept (issue 12 item 3).
            kestrel.Limits.MaxConcurrentConnections = ConnectionCap(fdLimit);
            kestrel.Limits.MaxConcurrentUpgradedConnections = ConnectionCap(fdLimit);
            kestrel.ListenUnixSocket(options.Paths.Socket, listen =>
            {
                var logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Coven.Daemon.PeerCheck");
                listen.Use(PeerCheck.Middleware(logger));
            });
        });

        var services = builder.Services;

        // Accept only below the cap (Hosting/BoundedListenerFactory.cs): a burst of connects never exhausts descriptors.
        services.RemoveAll<Microsoft.AspNetCore.Connections.IConnectionListenerFactory>();
        services.AddSingleton<Microsoft.AspNetCore.Connections.IConnectionListenerFactory>(sp => new BoundedListenerFactory(
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>>(),
            sp.GetRequiredService<ILoggerFactory>(),
            ConnectionCap(fdLimit)));
        CovenLoggers.Add(services);

        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton(instance);
        services.AddSingleton(time);
        services.AddSingleton<DaemonClock>();
        services.AddSingleton(sp => new StoreIntegrity(store, time, integrity));
        services.AddSingleton<StoreStatus>();
        services.AddSingleton<SessionSignals>();
        services.AddSingleton<SessionLocks>();
        services.AddSingleton<ShortIds>();
        services.AddSingleton<LeftoverReaper>();
        services.AddSingleton<LaneMonitors>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<Sweeper>();
        services.AddSingleton<LaneLauncher>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<DeferredEvents>();
        services.AddSingleton<EventSpill>();
        services.AddSingleton<Screens.ScreenReader>();
        services.AddSingleton<Interaction.WaitService>();
        services.AddSingleton<Interaction.SubmitService>();
        services.AddSingleton<RitualScheduler>();
        services.AddSingleton<RitualService>();
        services.AddSingleton<FamiliarService>();
        services.AddSingleton<ResumeService>();
        services.AddSingleton<HandoffService>();
        services.AddSingleton<CastService>();
        services.AddSingleton<StoreMaintenance>();
        services.AddSingleton<Worktrees.WorktreeService>();
        services.AddSingleton<Web.WebCockpit>();

        // Start order matters: reconcile first, then Kestrel; Quartz (stored schedules, then the sweep at once) after the socket listens.
        services.AddHostedService<ReconcileService>();

        services.AddHostedService<ConversationTracker>();
        services.AddHostedService<SearchIndexer>();
        services.AddHostedService<Notifications.NotificationService>();
        services.AddQuartz(q =>
        {
            SweepJob.Schedule(q, options.SweepInterval);
            if (RetentionSettings.Load(options.Paths.Home, out _).IntervalMinutes is > 0 and var minutes)
            {
                q.ScheduleJob<PruneJob>(t => t
                    .WithIdentity("prune", "system")
                    .StartNow()
                    .WithSimpleSchedule(x => x.WithInterval(TimeSpan.FromMinutes(minutes)).RepeatForever()));
            }
        });
        // Quartz is built, loaded with the stored schedules and started once the socket listens (Rituals/SchedulerStarter.cs).
        services.AddSingleton<SchedulerStarter>();
        services.AddHostedService(sp => sp.GetRequiredService<SchedulerStarter>());

        OpenApiEndpoint.AddServices(services);

        var app = builder.Build();
        app.UseMiddleware<ErrorHandling>();
        HealthEndpoints.Map(app);
        SessionEndpoints.Map(app);
        ScreenEndpoints.Map(app);
        EventEndpoints.Map(app);
        StoreEndpoints.Map(app);
        SearchEndpoints.Map(app);
        StreamEndpoint.Map(app);
        ControlPlaneEndpoints.Map(app);
        RitualEndpoints.Map(app);
        FamiliarEndpoints.Map(app);
        CastEndpoints.Map(app);
        WorktreeEndpoints.Map(app);
        WebEndpoints.Map(app);
        OpenApiEndpoint.Map(app);
        return app;
    }

    [LoggerMessage(EventId = EventIds.DaemonStarted, Level = LogLevel.Information, Message = "covend {Pid} serving {Socket}; {Attached} lanes attached")]
    private static partial void LogStarted(ILogger logger, int pid, string socket, int attached);

    [LoggerMessage(EventId = EventIds.DaemonStopping, Level = LogLevel.Information, Message = "covend stopping: no new launches; lanes keep running")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = EventIds.RedactionSettingsInvalid, Level = LogLevel.Error, Message = "redaction settings not used: {Error}")]
    private static partial void LogRedactionSettings(ILogger logger, string error);

    [LoggerMessage(EventId = EventIds.DaemonStopped, Level = LogLevel.Information, Message = "covend stopped")]
    private static partial void LogStopped(ILogger logger);
}
