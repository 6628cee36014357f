using System.Reflection;
using Coven.Daemon.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Coven.Daemon.Tests.Unit;

/// <summary>
/// Every <c>ILogger&lt;T&gt;</c> a covend type takes in a constructor is registered closed by <see cref="CovenLoggers"/>
/// (else NativeAOT builds the logger type at run time at every start; docs/benchmarks-daemon.md), and resolves to a
/// logger of that category.
/// </summary>
public sealed class CovenLoggersTests
{
    [Fact]
    public void EveryLoggerACovendTypeTakes_IsRegisteredClosed()
    {
        var services = new ServiceCollection();
        CovenLoggers.Add(services);
        var registered = services.Select(d => d.ServiceType).ToHashSet();

        var taken = typeof(CovenLoggers).Assembly.GetTypes()
            .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance))
            .SelectMany(c => c.GetParameters())
            .Select(p => p.ParameterType)
            .Where(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(ILogger<>))
            .ToHashSet();

        Assert.NotEmpty(taken);
        Assert.Empty(taken.Where(t => !registered.Contains(t)).Select(t => t.GenericTypeArguments[0].FullName));
    }

    [Fact]
    public void RegisteredLogger_WritesUnderItsTypesCategory()
    {
        var provider = new CategoryRecorder();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(provider));
        CovenLoggers.Add(services);
        using var sp = services.BuildServiceProvider();

        Assert.IsType<Logger<Supervision.Sweeper>>(sp.GetRequiredService<ILogger<Supervision.Sweeper>>());

        // Logger<T> asks the factory for its category's loggers when it is made.
        Assert.Equal([typeof(Supervision.Sweeper).FullName!], provider.Categories);
    }

    private sealed class CategoryRecorder : ILoggerProvider
    {
        public List<string> Categories { get; } = [];

        public ILogger CreateLogger(string categoryName)
        {
            Categories.Add(categoryName);
            return NullLogger.Instance;
        }

        public void Dispose()
        {
        }
    }
}
