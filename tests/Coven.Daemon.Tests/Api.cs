using System.Net;
using System.Text;
using System.Text.Json;

namespace Coven.Daemon.Tests;

/// <summary>Thin JSON helpers over the daemon's API for assertions.</summary>
public sealed class Api(HttpClient client)
{
    public async Task<Reply> GetAsync(string path)
    {
        using var r = await client.GetAsync(path.TrimStart('/'));
        return await Reply.ReadAsync(r);
    }

    public async Task<Reply> PostAsync(string path, string? json = null)
    {
        using var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var r = await client.PostAsync(path.TrimStart('/'), content);
        return await Reply.ReadAsync(r);
    }

    public async Task<Reply> DeleteAsync(string path)
    {
        using var r = await client.DeleteAsync(path.TrimStart('/'));
        return await Reply.ReadAsync(r);
    }

    /// <summary>Launches the fake codex in the home's project; asserts 201.</summary>
    public async Task<string> LaunchAsync(string project, string harness = "codex", string? prompt = "hello")
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, object?> { ["projectRoot"] = project, ["harness"] = harness, ["prompt"] = prompt });
        var r = await PostAsync("api/v1/sessions", body);
        Assert.True(r.Status == HttpStatusCode.Created, $"launch: {(int)r.Status} {r.Text}");
        Assert.Equal("live", r.Json.GetProperty("status").GetString());
        return r.Json.GetProperty("id").GetString()!;
    }

    /// <summary>Whether health lists the session's lane as attached (health waits for a launch's follow-up attach first).</summary>
    public async Task<bool> LaneAttachedAsync(string id) =>
        (await GetAsync("api/v1/health")).Json.GetProperty("lanes").EnumerateArray()
            .Any(l => l.GetProperty("sessionId").GetString() == id && l.GetProperty("status").GetString() == "attached");

    public async Task<string> StatusAsync(string id) => (await GetAsync($"api/v1/sessions/{id}")).Json.GetProperty("status").GetString()!;

    /// <summary>Concatenated output text of a session (data and base64 chunks).</summary>
    public async Task<string> OutputAsync(string id)
    {
        var text = new StringBuilder();
        long after = 0;
        while (true)
        {
            var page = await GetAsync($"api/v1/sessions/{id}/events?kind=output&afterSeq={after}&limit=1000");
            var events = page.Json.GetProperty("events");
            foreach (var e in events.EnumerateArray())
            {
                using var payload = JsonDocument.Parse(e.GetProperty("payloadJson").GetString()!);
                if (payload.RootElement.TryGetProperty("data", out var d))
                {
                    text.Append(d.GetString());
                }
                else if (payload.RootElement.TryGetProperty("dataBase64", out var b))
                {
                    text.Append(Encoding.UTF8.GetString(Convert.FromBase64String(b.GetString()!)));
                }

                after = e.GetProperty("seq").GetInt64();
            }

            if (!page.Json.GetProperty("hasMore").GetBoolean())
            {
                return text.ToString();
            }
        }
    }
}

public sealed record Reply(HttpStatusCode Status, string Text, string? ContentType)
{
    public JsonElement Json => Text.Length == 0 ? default : JsonDocument.Parse(Text).RootElement;

    public string? ErrorCode => Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("error", out var e) ? e.GetProperty("code").GetString() : null;

    public static async Task<Reply> ReadAsync(HttpResponseMessage r) =>
        new(r.StatusCode, await r.Content.ReadAsStringAsync(), r.Content.Headers.ContentType?.MediaType);

    public override string ToString() => $"{(int)Status} {Text}";
}
