using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>
/// Runtime settings the benchmarks chose for the three programs (docs/benchmarks-cli.md, benchmarks-lane.md), read
/// from the runtimeconfig.json each build writes: the same properties the NativeAOT publish compiles in.
/// </summary>
public sealed class RuntimeKnobsTests
{
    [Theory]
    [InlineData("coven")]
    [InlineData("covend")]
    [InlineData("coven-lane")]
    public void ThreadPoolWorkers_DoNotSpin_AndTheGcHasNoBackgroundThread(string program)
    {
        var path = Path.Combine(RepoPaths.BinDir, program + ".runtimeconfig.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var properties = doc.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.True(properties.TryGetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit", out var spin), $"{path} sets no spin limit");
        Assert.Equal(0, spin.GetInt32());
        if (program != "coven-lane")
        {
            Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
        }
    }
}
