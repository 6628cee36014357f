namespace Coven.Core.Tests;

public sealed class ValueTypesTests
{
    [Fact]
    public void SessionId_New_SortsByCreationTime()
    {
        var ids = Enumerable.Range(0, 200).Select(_ => SessionId.New().Value).ToList();

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(200, ids.Distinct().Count());
    }

    [Theory]
    [InlineData("0193a5f0-1234-7abc-8def-0123456789ab", true)]
    [InlineData("0193A5F0-1234-7ABC-8DEF-0123456789AB", true)]
    [InlineData("0193a5f0", false)]
    [InlineData("../../etc/passwd", false)]
    [InlineData("0193a5f0-1234-7abc-8def-0123456789ab\n", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void SessionId_TryParse_AcceptsOnlyCanonicalUuids(string? text, bool ok)
    {
        Assert.Equal(ok, SessionId.TryParse(text, out var id));
        if (ok)
        {
            Assert.Equal(text!.ToLowerInvariant(), id.Value);
        }
    }

    [Fact]
    public void ExitStatus_CodeAndSignalApart()
    {
        Assert.True(ExitStatus.FromCode(0).IsSuccess);
        Assert.False(ExitStatus.FromCode(1).IsSuccess);
        var signaled = ExitStatus.FromSignal(15);
        Assert.False(signaled.IsSuccess);
        Assert.Null(signaled.Code);
        Assert.Equal("SIGTERM", signaled.SignalName);
    }

    [Theory]
    [InlineData("TERM", 15)]
    [InlineData("sigkill", 9)]
    [InlineData("SIGINT", 2)]
    [InlineData("1", 1)]
    public void Signals_TryParse_AcceptsNamesAndNumbers(string text, int expected)
    {
        Assert.True(Signals.TryParse(text, out var signal));
        Assert.Equal(expected, signal);
    }

    [Theory]
    [InlineData(15, "SIGTERM")]
    [InlineData(16, "SIGSTKFLT")]
    [InlineData(17, "SIGCHLD")]
    [InlineData(24, "SIGXCPU")]
    [InlineData(31, "SIGSYS")]
    [InlineData(34, "SIG34")]
    public void Signals_Name_CoversTheStandardSignals(int signal, string expected)
    {
        // One table for Core and the PTY library (src/Shared/Processes/Signals.cs): the lane records "SIGXCPU" for a
        // harness killed by it, and the CLI and daemon must read that name back.
        Assert.Equal(expected, Signals.Name(signal));
        if (signal < 32)
        {
            Assert.True(Signals.TryParse(expected, out var parsed));
            Assert.Equal(signal, parsed);
        }
    }

    [Theory]
    [InlineData("NOPE")]
    [InlineData("0")]
    [InlineData("99")]
    [InlineData("")]
    public void Signals_TryParse_RejectsUnknown(string text) => Assert.False(Signals.TryParse(text, out _));

    [Theory]
    [InlineData("7d", 7 * 24 * 3600)]
    [InlineData("1h", 3600)]
    [InlineData("90m", 5400)]
    [InlineData("30s", 30)]
    [InlineData("2w", 14 * 24 * 3600)]
    public void Durations_TryParse_Units(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("d")]
    [InlineData("-1h")]
    [InlineData("1y")]
    [InlineData("99999999999999999999d")]
    public void Durations_TryParse_RejectsGarbage(string text) => Assert.False(Durations.TryParse(text, out _));

    [Fact]
    public void Timestamps_FixedWidth_StringOrderIsTimeOrder()
    {
        var a = Timestamps.Of(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));
        var b = Timestamps.Of(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero).AddTicks(10));

        Assert.Equal("2026-11-25T07:00:00.000000Z", a);
        Assert.Equal("2026-11-25T07:00:00.000001Z", b);
        Assert.True(string.CompareOrdinal(a, b) < 0);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero), Timestamps.Parse(a));
    }

    [Fact]
    public void LaunchSpec_BuildEnvironment_UnsetsThenOverrides()
    {
        var spec = new LaunchSpec
        {
            Executable = "/bin/true",
            Arguments = [],
            WorkingDirectory = "/",
            Environment = LaunchSpec.DefaultEnvironment,
            UnsetEnvironment = LaunchSpec.DefaultUnset,
        };

        var env = spec.BuildEnvironment(new Dictionary<string, string> { ["TMUX"] = "/tmp/x", ["TERM"] = "screen", ["HOME"] = "/root", ["COLUMNS"] = "80" });

        Assert.False(env.ContainsKey("TMUX"));
        Assert.False(env.ContainsKey("COLUMNS"));
        Assert.Equal("xterm-256color", env["TERM"]);
        Assert.Equal("truecolor", env["COLORTERM"]);
        Assert.Equal("/root", env["HOME"]);
    }
}
