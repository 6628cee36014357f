using System.Text.Json;
using System.Text.Json.Nodes;
using Coven.Cli.Api;
using Coven.Core;
using Coven.Core.Api;

namespace Coven.Cli.Tests;

/// <summary>The CLI's hand-written launch body against the contract's serializer.</summary>
public sealed class LaunchRequestJsonTests
{
    public static TheoryData<string> Requests => ["full", "empty"];

    [Theory]
    [MemberData(nameof(Requests))]
    public void Serialize_WritesWhatTheContractSerializerWrites(string which)
    {
        var request = which == "empty" ? new LaunchRequest() : new LaunchRequest
        {
            ProjectRoot = "/work/p",
            Cwd = "/work/p/sub dir",
            Harness = "codex",
            Prompt = "fix \"the\" tests ✓ \u001b[0m",
            Title = "t",
            Model = "m",
            Familiar = "scout",
            Cols = 120,
            Rows = 40,
            ExecutionBinding = JsonDocument.Parse("""{"a":1}""").RootElement,
            LaunchMode = JsonDocument.Parse("\"interactive\"").RootElement,
            LaunchPolicy = JsonDocument.Parse("[1,2]").RootElement,
            Worktree = true,
            Base = "main",
            Environment = new Dictionary<string, string> { ["PATH"] = "/usr/bin", ["ODD"] = "a=b\nc" },
        };

        var expected = JsonNode.Parse(JsonSerializer.Serialize(request, CovenJsonContext.Default.LaunchRequest));
        var actual = JsonNode.Parse(LaunchRequestJson.Serialize(request));
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected?.ToJsonString()}\nactual   {actual?.ToJsonString()}");
    }
}
