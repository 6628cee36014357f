using System.Text.Json.Nodes;

namespace Coven.Lane.Tests;

/// <summary>The additive fields of the <c>screen</c> op: <c>bracketedPaste</c> and <c>modes</c> always, <c>ansi</c> on request.</summary>
public sealed class LaneScreenTests
{
    [Fact]
    public async Task Screen_ProgramEnabledBracketedPaste_ReportsItAndAnsiOnlyWhenAsked()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("""printf '\033[?2004h\033[32mREADY\033[0m\n'; IFS= read -r line""");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("READY");
        await using var client = await lane.ConnectAsync();

        var plain = (await client.RequestAsync("screen"))["screen"]!;
        var painted = (await client.RequestAsync("screen", new JsonObject { ["ansi"] = true }))["screen"]!;

        Assert.True(plain["bracketedPaste"]!.GetValue<bool>());
        Assert.Null(plain["ansi"]);
        Assert.Equal("READY", plain["lines"]![0]!.GetValue<string>());
        Assert.StartsWith("\e[0m\e[0;32mREADY\e[0m", painted["ansi"]!.GetValue<string>(), StringComparison.Ordinal);
        await client.RequestAsync("kill", new JsonObject { ["graceMs"] = 500 });
        await lane.WaitForExitEventAsync();
    }

    [Fact]
    public async Task Screen_ProgramWithoutBracketedPaste_ReportsFalse()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("""printf 'READY\n'; IFS= read -r line""");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("READY");
        await using var client = await lane.ConnectAsync();

        var screen = (await client.RequestAsync("screen"))["screen"]!;

        Assert.False(screen["bracketedPaste"]!.GetValue<bool>());
        await client.RequestAsync("kill", new JsonObject { ["graceMs"] = 500 });
        await lane.WaitForExitEventAsync();
    }

    [Fact]
    public async Task Screen_ProgramEnabledModes_ReportsThemInModes()
    {
        await using var lane = new LaneRun();
        lane.CreateSession("""printf '\033[?1003;1006;1004h\033[?1h\033=\033[>1u\033[>4;2m\033[6 q\033[3;9r\033[1;35mREADY\n'; IFS= read -r line""");
        await lane.StartOkAsync();
        await lane.WaitForOutputAsync("READY");
        await using var client = await lane.ConnectAsync();

        var modes = (await client.RequestAsync("screen"))["screen"]!["modes"]!;

        Assert.Equal(1003, modes["mouseTracking"]!.GetValue<int>());
        Assert.Equal(1006, modes["mouseEncoding"]!.GetValue<int>());
        Assert.True(modes["focusEvents"]!.GetValue<bool>());
        Assert.True(modes["applicationCursorKeys"]!.GetValue<bool>());
        Assert.True(modes["applicationKeypad"]!.GetValue<bool>());
        Assert.Equal("[0,1]", modes["kittyKeyboard"]!.ToJsonString());
        Assert.Equal(2, modes["modifyOtherKeys"]!.GetValue<int>());
        Assert.Equal(6, modes["cursorStyle"]!.GetValue<int>());
        Assert.Equal(2, modes["scrollTop"]!.GetValue<int>());
        Assert.Equal(8, modes["scrollBottom"]!.GetValue<int>());
        Assert.Equal("0;1;35", modes["pen"]!.GetValue<string>());
        Assert.False(modes["bracketedPaste"]!.GetValue<bool>());
        await client.RequestAsync("kill", new JsonObject { ["graceMs"] = 500 });
        await lane.WaitForExitEventAsync();
    }
}
