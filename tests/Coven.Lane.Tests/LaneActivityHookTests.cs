using System.Text.Json;
using System.Text.Json.Nodes;
using Coven.Core;
using Coven.Store;
using Coven.TestSupport;

namespace Coven.Lane.Tests;

/// <summary>
/// The native activity signal at the lane (docs/attention.md): the harness finds the hook program and the socket in its
/// environment, <c>coven-lane hook report</c> sends an <c>activity</c> request, the lane records it with source
/// <c>hook</c>, and a harness that reports working natively has the fallback stand down.
/// </summary>
public sealed class LaneActivityHookTests
{
    [Fact]
    public async Task HookReport_IsRecorded_AndTheFallbackStandsDownForANativeHarness()
    {
        await using var lane = new LaneRun();
        lane.CreateSession(
            """
            echo READY
            while IFS= read -r line; do
              case "$line" in
                ask) "$COVEN_ACTIVITY_HOOK" hook report waiting "asked the user"; echo "asked rc=$?" ;;
                busy) echo "busy output"; sleep 1; echo "still busy"; sleep 1; "$COVEN_ACTIVITY_HOOK" hook report idle; echo "reported idle" ;;
                bad) "$COVEN_ACTIVITY_HOOK" hook report sleepy; echo "bad rc=$?" ;;
              esac
            done
            """,
            activity: new ActivitySettings { IdleAfterMs = 300, NativeSignals = [SessionActivity.Working, SessionActivity.Waiting, SessionActivity.Idle] });
        await lane.StartOkAsync();
        await using var client = await lane.ConnectAsync();
        await lane.WaitForOutputAsync("READY");

        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(Activities(lane).Any(a => a.GetProperty("activity").GetString() == "idle")), LaneRun.Timeout), "the fallback never said idle before any native report");

        await client.RequestAsync("input", new JsonObject { ["data"] = "ask\r" });
        await lane.WaitForOutputAsync("asked rc=0");
        var waiting = Activities(lane)[^1];
        Assert.Equal("waiting", waiting.GetProperty("activity").GetString());
        Assert.Equal("asked the user", waiting.GetProperty("reason").GetString());
        Assert.Equal("hook", waiting.GetProperty("source").GetString());
        Assert.Equal("waiting", lane.Store.Sessions.Get(lane.Session)!.Activity);

        // Output for two seconds (the fallback would say working, then idle after 300 ms quiet): nothing but the hook's idle.
        var before = Activities(lane).Count;
        await client.RequestAsync("input", new JsonObject { ["data"] = "busy\r" });
        await lane.WaitForOutputAsync("reported idle");
        var after = Activities(lane)[before..];
        Assert.Single(after);
        Assert.Equal("idle", after[0].GetProperty("activity").GetString());
        Assert.Equal("hook:report", after[0].GetProperty("reason").GetString());

        await client.RequestAsync("input", new JsonObject { ["data"] = "bad\r" });
        await lane.WaitForOutputAsync("bad rc=2");

        Assert.Equal("bad_args", Code(await client.RequestAsync("activity", new JsonObject { ["activity"] = "sleepy" })));
        Assert.Equal("bad_args", Code(await client.RequestAsync("activity", new JsonObject { ["activity"] = "idle", ["reason"] = "two\nlines" })));
        Assert.Equal("bad_args", Code(await client.RequestAsync("activity", new JsonObject { ["activity"] = "idle", ["reason"] = new string('r', 201) })));
        var ok = await client.RequestAsync("activity", new JsonObject { ["activity"] = "working", ["reason"] = "direct" });
        Assert.True(ok["ok"]!.GetValue<bool>(), ok.ToJsonString());
        Assert.True(ok["seq"]!.GetValue<long>() > 0);
        Assert.Equal(0, (await client.RequestAsync("activity", new JsonObject { ["activity"] = "working" }))["seq"]!.GetValue<long>());
    }

    /// <summary>
    /// A harness whose only native signal is idle at the end of a turn (Codex's notify): its idle holds over output it
    /// prints afterwards on its own, and yields to the user's input: the output after the input is a new turn (working,
    /// then idle by the fallback), with nothing else recorded after the hook. The flap this hold prevents was seen with
    /// the real Codex (NativeActivityTests); this fake reproduces it: without the hold the redraws record working, idle
    /// before the next turn (checked by disabling the hold: the last assertion fails with four activities, not two).
    /// </summary>
    [Fact]
    public async Task IdleOnlyHarness_RedrawAfterTheTurnEnd_StaysIdle_InputStartsTheNextTurn()
    {
        await using var lane = new LaneRun();
        lane.CreateSession(
            """
            echo READY
            while IFS= read -r line; do
              case "$line" in
                turn) echo "working on it"; (while :; do printf .; sleep 0.1; done) & ticker=$!
                      IFS= read -r go; kill $ticker
                      "$COVEN_ACTIVITY_HOOK" hook report idle "turn over"; echo "turn done"
                      sleep 0.5; echo "redraw 1"; sleep 0.5; echo "redraw 2"; echo "redrawn" ;;
                next) echo "next turn output" ;;
              esac
            done
            """,
            activity: new ActivitySettings { IdleAfterMs = 300, NativeSignals = [SessionActivity.Idle] });
        await lane.StartOkAsync();
        await using var client = await lane.ConnectAsync();
        await lane.WaitForOutputAsync("READY");

        // Quiet after READY: the fallback says idle. The turn's output makes it working (the harness prints a dot every
        // 0.1 s until "go"), and only then is its end reported, so the hook's idle is a change: reported while the
        // fallback still said idle, it would be no change and not recorded (a race this test lost under load before).
        Assert.True(await Eventually.TrueAsync(() => Task.FromResult(LastActivity(lane) == "idle"), LaneRun.Timeout), "no idle after READY");
        await client.RequestAsync("input", new JsonObject { ["data"] = "turn\r" });
        Assert.True(
            await Eventually.TrueAsync(() => Task.FromResult(LastActivity(lane) == "working"), LaneRun.Timeout),
            "the turn's output was not seen as working: " + string.Join(", ", Activities(lane)));
        await client.RequestAsync("input", new JsonObject { ["data"] = "go\r" });
        await lane.WaitForOutputAsync("redrawn");
        var hook = Activities(lane).FindLastIndex(a => a.GetProperty("source").GetString() == "hook");
        // The hook gives up after 2 s (it must never hold the harness up) and says why on the terminal: show it.
        Assert.True(hook >= 0, "the hook's idle was not recorded; the terminal: " + lane.OutputText());
        Assert.Equal("idle", Activities(lane)[hook].GetProperty("activity").GetString());

        await client.RequestAsync("input", new JsonObject { ["data"] = "next\r" });
        await lane.WaitForOutputAsync("next turn output");
        var nextOutput = lane.Events(EventKinds.Output)[^1].Seq;
        Assert.True(
            await Eventually.TrueAsync(() => Task.FromResult(lane.Events(EventKinds.Activity).Any(e => e.Seq > nextOutput && e.PayloadJson.Contains("\"activity\":\"idle\"", StringComparison.Ordinal))), LaneRun.Timeout),
            "input and output after the turn's end did not start a new turn: " + string.Join(", ", Activities(lane)));

        // Only the next turn's working and idle follow the hook's idle (the redraws would have added working, idle).
        var afterHook = Activities(lane)[(hook + 1)..].Select(a => a.GetProperty("activity").GetString()).ToList();
        Assert.Equal(["working", "idle"], afterHook);
        Assert.Equal("screen", Activities(lane)[hook + 1].GetProperty("source").GetString());
    }

    [Theory]
    [InlineData("""{"hook_event_name":"UserPromptSubmit","prompt":"x"}""", "working", "hook:UserPromptSubmit")]
    [InlineData("""{"hook_event_name":"PostToolUse","tool_name":"Bash"}""", "working", "hook:PostToolUse")]
    [InlineData("""{"hook_event_name":"PermissionRequest","tool_name":"Bash"}""", "waiting", "hook:PermissionRequest")]
    [InlineData("""{"hook_event_name":"Notification","notification_type":"permission_prompt","message":"Claude needs your permission to use Bash"}""", "waiting", "hook:Notification permission_prompt")]
    [InlineData("""{"hook_event_name":"Notification","notification_type":"idle_prompt","message":"Claude is waiting for your input"}""", "idle", "hook:Notification idle_prompt")]
    [InlineData("""{"hook_event_name":"Notification","message":"Claude needs your permission to use Bash"}""", "waiting", "hook:Notification")]
    [InlineData("""{"hook_event_name":"Notification","notification_type":"auth_success"}""", null, "hook:Notification auth_success")]
    [InlineData("""{"hook_event_name":"Stop","stop_hook_active":false}""", "idle", "hook:Stop")]
    [InlineData("""{"hook_event_name":"SessionStart"}""", null, null)]
    public void ClaudeHookInput_MapsToAnActivity(string json, string? activity, string? reason)
    {
        var (a, r, error) = ActivityHook.FromClaude(json);
        Assert.Null(error);
        Assert.Equal(activity, a);
        if (activity is not null)
        {
            Assert.Equal(reason, r);
        }
    }

    [Fact]
    public void CodexNotify_TurnCompleteIsIdle_OtherTypesNothing()
    {
        Assert.Equal((SessionActivity.Idle, "hook:agent-turn-complete", (string?)null), ActivityHook.FromCodex("""{"type":"agent-turn-complete","turn-id":"1"}"""));
        Assert.Null(ActivityHook.FromCodex("""{"type":"something-else"}""").Activity);
    }

    private static List<JsonElement> Activities(LaneRun lane) =>
        [.. lane.Events(EventKinds.Activity).Select(e => JsonDocument.Parse(e.PayloadJson).RootElement.Clone())];

    private static string? LastActivity(LaneRun lane) => Activities(lane).LastOrDefault() is { ValueKind: JsonValueKind.Object } last ? last.GetProperty("activity").GetString() : null;

    private static string? Code(JsonObject reply) => (string?)reply["error"]?["code"];
}
