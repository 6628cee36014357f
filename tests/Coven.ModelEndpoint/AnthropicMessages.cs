using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Coven.ModelEndpoint;

/// <summary>
/// <c>POST /v1/messages</c> as Claude Code uses it (streaming, or a plain JSON answer when <c>stream</c> is not
/// true): the request's <c>messages</c> are the conversation; the answer is a text block or one <c>tool_use</c> of
/// the <c>Bash</c> tool with <c>{"command": …}</c>.
/// </summary>
internal static class AnthropicMessages
{
    public static IReadOnlyList<ConversationItem> Conversation(JsonNode request)
    {
        var items = new List<ConversationItem>();
        foreach (var message in request["messages"]?.AsArray() ?? [])
        {
            if (message is null)
            {
                continue;
            }

            var role = (string?)message["role"];
            var content = message["content"];
            if (content is JsonValue plain)
            {
                Add(items, role, (string?)plain ?? string.Empty);
                continue;
            }

            var texts = new List<string>();
            foreach (var block in content?.AsArray() ?? [])
            {
                switch ((string?)block?["type"])
                {
                    case "text":
                        texts.Add((string?)block!["text"] ?? string.Empty);
                        break;
                    case "tool_result":
                        items.Add(new ConversationItem(ConversationRole.ToolResult, block!["content"]?.ToJsonString() ?? string.Empty));
                        break;
                    case "tool_use":
                        items.Add(new ConversationItem(ConversationRole.Assistant, block!["input"]?.ToJsonString() ?? string.Empty));
                        break;
                }
            }

            Add(items, role, string.Join('\n', texts.Where(t => role != "user" || !AgentScript.IsInjected(t))));
        }

        return items;
    }

    public static async Task WriteAsync(HttpResponse response, JsonNode request, int sequence, CancellationToken cancellationToken)
    {
        var reply = AgentScript.Decide(Conversation(request));
        var id = "msg_" + sequence.ToString(CultureInfo.InvariantCulture);
        var model = (string?)request["model"] ?? AgentScript.Model;
        var usage = new JsonObject { ["input_tokens"] = 10, ["output_tokens"] = 5, ["cache_creation_input_tokens"] = 0, ["cache_read_input_tokens"] = 0 };
        JsonObject block = reply.Command is { } command
            ? new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = "toolu_" + sequence.ToString(CultureInfo.InvariantCulture),
                ["name"] = "Bash",
                ["input"] = new JsonObject { ["command"] = command, ["description"] = "Write the file" },
            }
            : new JsonObject { ["type"] = "text", ["text"] = reply.Text };
        var stopReason = reply.Command is null ? "end_turn" : "tool_use";

        if ((bool?)request["stream"] != true)
        {
            response.ContentType = "application/json";
            await response.WriteAsync(new JsonObject
            {
                ["id"] = id, ["type"] = "message", ["role"] = "assistant", ["model"] = model,
                ["content"] = new JsonArray(block), ["stop_reason"] = stopReason, ["stop_sequence"] = null, ["usage"] = usage,
            }.ToJsonString(), cancellationToken);
            return;
        }

        var sse = SseWriter.Start(response);
        await sse.SendAsync("message_start", new JsonObject
        {
            ["type"] = "message_start",
            ["message"] = new JsonObject
            {
                ["id"] = id, ["type"] = "message", ["role"] = "assistant", ["model"] = model, ["content"] = new JsonArray(),
                ["stop_reason"] = null, ["stop_sequence"] = null, ["usage"] = usage.DeepClone(),
            },
        }, cancellationToken);
        if (reply.Command is not null)
        {
            var input = block["input"]!.ToJsonString();
            block["input"] = new JsonObject();
            await sse.SendAsync("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = block }, cancellationToken);
            await sse.SendAsync("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = input },
            }, cancellationToken);
        }
        else
        {
            await sse.SendAsync("content_block_start", new JsonObject
            {
                ["type"] = "content_block_start", ["index"] = 0, ["content_block"] = new JsonObject { ["type"] = "text", ["text"] = string.Empty },
            }, cancellationToken);
            await sse.SendAsync("content_block_delta", new JsonObject
            {
                ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = reply.Text },
            }, cancellationToken);
        }

        await sse.SendAsync("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 }, cancellationToken);
        await sse.SendAsync("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
            ["usage"] = new JsonObject { ["output_tokens"] = 5 },
        }, cancellationToken);
        await sse.SendAsync("message_stop", new JsonObject { ["type"] = "message_stop" }, cancellationToken);
    }

    private static void Add(List<ConversationItem> items, string? role, string text)
    {
        if (role == "user" && !AgentScript.IsInjected(text))
        {
            items.Add(new ConversationItem(ConversationRole.User, text));
        }
        else if (role == "assistant" && text.Length > 0)
        {
            items.Add(new ConversationItem(ConversationRole.Assistant, text));
        }
    }
}
