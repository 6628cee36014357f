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
using Quartz;

namespace Coven.Daemon;

/// <summary>covend: one daemon per COVEN_HOME, Kestrel on the Unix socket only, lanes supervised, never killed on exit.</summary>
internal static partial class DaemonHost
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = DaemonOptions.Parse(args, out var error);
        if (options is null)
        {
            await Console.Error.WriteLineAsync(error);
            return 2;
        }

        SingleInstance? instance;
        try
        {
            instance = SingleInstance.TryAcquire(options.Paths, out var message);
            if (instance is null)
            {
                await Console.Error.WriteLineAsync(message);
                return 1;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"covend: cannot use {options.Paths.Home}: {e.Message}");
            return 1;
        }

        using (instance)
        {
            var time = TimeProvider.System;
            using var store = new CovenStore(options.Paths.Database, time);
            store.Migrate();

            var app = Build(options, store, instance, time);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Coven.Daemon");
            var monitors = app.Services.GetRequiredService<LaneMonitors>();
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            lifetime.ApplicationStopping.Register(() =>
            {
                LogStopping(logger);
                _ = monitors.StopAsync();
            });

            // quick_check before listening: cheap for the stores Coven writes, and doctor then gets a final answer.
            await app.Services.GetRequiredService<StoreIntegrity>().Completion;

            // No window in which the socket exists with a wider mode: bind under umask 0177, then chmod anyway.
            var previous = Libc.Umask(0x7F);
            try
            {
                await app.StartAsync();
            }
            finally
            {
                _ = Libc.Umask(previous);
            }

            File.SetUnixFileMode(options.Paths.Socket, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var clock = app.Services.GetRequiredService<DaemonClock>();
            instance.WriteInfo(new DaemonInfoDocument(Environment.ProcessId, Timestamps.Of(clock.StartedAt), ProductVersion.Number, options.Paths.Socket));
            LogStarted(logger, Environment.ProcessId, options.Paths.Socket, monitors.MonitorCount);

            await app.WaitForShutdownAsync();
            instance.RemoveInfo();
            LogStopped(logger);
            await app.DisposeAsync();
            return 0;
        }
    }

    private static WebApplication Build(DaemonOptions options, CovenStore store, SingleInstance instance, TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.Paths.Home });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new FileLoggerProvider(
            Path.Combine(options.Paths.LogsDir, "covend.log"), options.LogFileMaxBytes, options.LogFilesKept, LogLevel.Information, time));
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Quartz", LogLevel.Warning);
        builder.Host.ConfigureHostOptions(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));

        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.ListenUnixSocket(options.Paths.Socket, listen =>
            {
                var logger = listen.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Coven.Daemon.PeerCheck");
                listen.Use(PeerCheck.Middleware(logger));
            });
        });

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(store);
        services.AddSingleton(instance);
        services.AddSingleton(time);
        services.AddSingleton<DaemonClock>();
        services.AddSingleton<StoreIntegrity>();
        services.AddSingleton<SessionSignals>();
        services.AddSingleton<SessionLocks>();
        services.AddSingleton<LeftoverReaper>();
        services.AddSingleton<LaneMonitors>();
        services.AddSingleton<Reconciler>();
        services.AddSingleton<Sweeper>();
        services.AddSingleton<LaneLauncher>();
        services.AddSingleton<SessionService>();
        services.AddSingleton<DeferredEvents>();
        services.AddSingleton<Screens.ScreenReader>();
        services.AddSingleton<Interaction.WaitService>();
        services.AddSingleton<Interaction.SubmitService>();
        services.AddSingleton<RitualScheduler>();
        services.AddSingleton<RitualService>();
        services.AddSingleton<FamiliarService>();
        services.AddSingleton<ResumeService>();
        services.AddSingleton<HandoffService>();
        services.AddSingleton<CastService>();

        // Start order matters: reconcile first, then schedules, then Quartz (whose sweep starts at once), then Kestrel.
        services.AddHostedService<ReconcileService>();
        services.AddHostedService<ScheduleLoader>();
        services.AddQuartz(q =>
        {
            q.ScheduleJob<SweepJob>(t => t
                .WithIdentity("sweep", "system")
                .StartNow()
                .WithSimpleSchedule(x => x.WithInterval(options.SweepInterval).RepeatForever()));
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);

        var app = builder.Build();
        app.UseMiddleware<ErrorHandling>();
        HealthEndpoints.Map(app);
        SessionEndpoints.Map(app);
        ScreenEndpoints.Map(app);
        EventEndpoints.Map(app);
        StreamEndpoint.Map(app);
        ControlPlaneEndpoints.Map(app);
        RitualEndpoints.Map(app);
        FamiliarEndpoints.Map(app);
        CastEndpoints.Map(app);
        OpenApiEndpoint.Map(app);
        return app;
    }

    [LoggerMessage(EventId = EventIds.DaemonStarted, Level = LogLevel.Information, Message = "covend {Pid} serving {Socket}; {Attached} lanes attached")]
    private static partial void LogStarted(ILogger logger, int pid, string socket, int attached);

    [LoggerMessage(EventId = EventIds.DaemonStopping, Level = LogLevel.Information, Message = "covend stopping: no new launches; lanes keep running")]
    private static partial void LogStopping(ILogger logger);

    [LoggerMessage(EventId = EventIds.DaemonStopped, Level = LogLevel.Information, Message = "covend stopped")]
    private static partial void LogStopped(ILogger logger);
}
