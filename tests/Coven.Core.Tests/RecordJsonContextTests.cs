using System.Text.Json;
using Coven.Core.Api;
using Coven.Terminal;

namespace Coven.Core.Tests;

/// <summary>
/// What lanes and the store record goes through <see cref="RecordJsonContext"/> (so the lane links none of the API's
/// contract), and the daemon, the CLI and the API read the same documents through <see cref="CovenJsonContext"/>:
/// the two must agree on every option and on every byte they write for a recorded type.
/// </summary>
public sealed class RecordJsonContextTests
{
    [Fact]
    public void TheTwoContexts_HaveTheSameOptions()
    {
        var record = RecordJsonContext.Default.Options;
        var api = CovenJsonContext.Default.Options;
        Assert.Same(JsonNamingPolicy.CamelCase, record.PropertyNamingPolicy);
        Assert.Same(api.PropertyNamingPolicy, record.PropertyNamingPolicy);
        Assert.Equal(api.DefaultIgnoreCondition, record.DefaultIgnoreCondition);
        Assert.Equal(api.AllowTrailingCommas, record.AllowTrailingCommas);
        Assert.Equal(api.ReadCommentHandling, record.ReadCommentHandling);
        Assert.Equal(api.NumberHandling, record.NumberHandling);
        Assert.Equal(api.WriteIndented, record.WriteIndented);
        Assert.Equal(api.DictionaryKeyPolicy, record.DictionaryKeyPolicy);
        Assert.Equal(api.UnmappedMemberHandling, record.UnmappedMemberHandling);
        Assert.Equal(api.PropertyNameCaseInsensitive, record.PropertyNameCaseInsensitive);
        Assert.Equal(api.Converters.Count, record.Converters.Count);
    }

    public static TheoryData<object> Recorded() =>
    [
        new LaunchSpec
        {
            Executable = "/usr/bin/codex",
            Arguments = ["--flag", "ünïcode \"quoted\""],
            WorkingDirectory = "/tmp/p",
            Environment = new Dictionary<string, string> { ["TERM"] = "xterm-256color" },
            UnsetEnvironment = ["OPENAI_API_KEY"],
            Columns = 100,
            Rows = 30,
            Activity = new ActivitySettings { IdleAfterMs = 1500, WaitingPatterns = ["\\? $"] },
        },
        new OutputPayload { Data = "héllo\u001b[0m\r\n" },
        new OutputPayload { DataBase64 = "AAEC" },
        new ExitPayload(null, "SIGTERM", "failed"),
        new LifecyclePayload("pending", "live", "started", null),
        new ResizePayload(80, 24),
        new KillPayload("SIGTERM", 3000),
        new ReattachedPayload(4242),
        new ActivityPayload("waiting", "working", "pattern", "fallback"),
        new TruncatedPayload(1024, 2, 9, 7, "max_bytes"),
        new TerminalModes { ApplicationCursorKeys = true, CursorStyle = 5 },
    ];

    [Theory]
    [MemberData(nameof(Recorded))]
    public void EveryRecordedType_IsWrittenTheSameByBoth_AndReadsBackEqual(object value)
    {
        var type = value.GetType();
        var record = RecordJsonContext.Default.GetTypeInfo(type);
        var api = CovenJsonContext.Default.GetTypeInfo(type);
        Assert.NotNull(record);
        Assert.NotNull(api);

        var written = JsonSerializer.Serialize(value, record);
        Assert.Equal(JsonSerializer.Serialize(value, api), written);
        var first = record.Properties[0].Name;
        Assert.True(char.IsLower(first[0]), first);
        Assert.Contains($"\"{first}\":", written, StringComparison.Ordinal);

        // Written by one, read by the other: the same document again.
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize(written, api), record));
        Assert.Equal(written, JsonSerializer.Serialize(JsonSerializer.Deserialize(written, record), api));
    }
}
