using System.Net;
using System.Text.Json;
using Coven.TestSupport;

namespace Coven.Daemon.Tests;

/// <summary>Helpers shared by the familiar, cast, resume and handoff tests.</summary>
internal static class CastTestKit
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static string Json(object o) => JsonSerializer.Serialize(o);

    public static Task<Reply> CastAsync(this Api api, string code, string? root, string? target = null) =>
        api.PostAsync("api/v1/cast", Json(new Dictionary<string, object?> { ["code"] = code, ["projectRoot"] = root, ["target"] = target }));

    public static async Task DefineAsync(this Api api, string name, string harness, string? model = null, params string[] args)
    {
        var r = await api.PostAsync("api/v1/familiars", Json(new { name, harness, model, args }));
        Assert.True(r.Status is HttpStatusCode.Created or HttpStatusCode.OK, r.ToString());
    }

    /// <summary>Waits until the session's recorded output contains <paramref name="text"/>; returns the output.</summary>
    public static async Task<string> WaitForOutputAsync(this Api api, string id, string text)
    {
        var output = string.Empty;
        var ok = await Eventually.TrueAsync(
            async () => (output = await api.OutputAsync(id)).Contains(text, StringComparison.Ordinal),
            Timeout,
            TimeSpan.FromMilliseconds(20));
        Assert.True(ok, $"session {id} never printed '{text}'; output so far:\n{output}");
        return output;
    }

    /// <summary>The harness's own argv an echo harness printed ("arg: X" lines before "ready"), without Coven's activity hooks.</summary>
    public static async Task<List<string>> ArgvAsync(this Api api, string id)
    {
        var output = await api.WaitForOutputAsync(id, "ready");
        return FakeHarness.EchoedArgv(output);
    }

    /// <summary>Ends an echo-harness session with exit code <paramref name="code"/> and waits until it is no longer live.</summary>
    public static async Task EndAsync(this Api api, string id, int code = 0)
    {
        await api.WaitForOutputAsync(id, "ready");
        var r = await api.PostAsync($"api/v1/sessions/{id}/input", $$"""{"data":"exit {{code}}\r"}""");
        Assert.Equal(HttpStatusCode.Accepted, r.Status);
        Assert.True(await Eventually.TrueAsync(async () => await api.StatusAsync(id) is "finished" or "failed", Timeout, TimeSpan.FromMilliseconds(20)));
    }

    public static async Task<int> InputEventCountAsync(this Api api, string id) =>
        (await api.GetAsync($"api/v1/sessions/{id}/events?kind=input")).Json.GetProperty("events").GetArrayLength();

    public static IEnumerable<string> Ids(JsonElement sessions) => sessions.EnumerateArray().Select(s => s.GetProperty("id").GetString()!);
}
