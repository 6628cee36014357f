using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Coven.ModelEndpoint;

/// <summary>
/// <c>POST /v1/responses</c> (stream) as Codex uses it: the request's <c>input</c> items are the conversation; the
/// answer is one <c>message</c> item or one <c>function_call</c> to <c>exec_command</c> with <c>{"cmd": …}</c>.
/// </summary>
internal static class OpenAiResponses
{
    public static IReadOnlyList<ConversationItem> Conversation(JsonNode request)
    {
        var items = new List<ConversationItem>();
        foreach (var item in request["input"]?.AsArray() ?? [])
        {
            if (item is null)
            {
                continue;
            }

            var type = (string?)item["type"] ?? "message";
            switch (type)
            {
                case "function_call_output":
                    items.Add(new ConversationItem(ConversationRole.ToolResult, item["output"]?.ToJsonString() ?? string.Empty));
                    break;
                case "function_call":
                    items.Add(new ConversationItem(ConversationRole.Assistant, (string?)item["arguments"] ?? string.Empty));
                    break;
                case "message":
                    var role = (string?)item["role"];
                    var text = Text(item["content"]);
                    if (role == "user" && text.Length > 0)
                    {
                        items.Add(new ConversationItem(ConversationRole.User, text));
                    }
                    else if (role == "assistant")
                    {
                        items.Add(new ConversationItem(ConversationRole.Assistant, text));
                    }

                    break;
            }
        }

        return items;
    }

    public static async Task WriteAsync(HttpResponse response, JsonNode request, int sequence, CancellationToken cancellationToken)
    {
        // Codex's title request asks for JSON by schema ({"title": ...}); every other request is a turn.
        var reply = (string?)request["text"]?["format"]?["type"] == "json_schema"
            ? AgentReply.Say("{\"title\":\"Scripted task\"}")
            : AgentScript.Decide(Conversation(request));
        var id = "resp_" + sequence.ToString(CultureInfo.InvariantCulture);
        var sse = SseWriter.Start(response);
        await sse.SendAsync("response.created", new JsonObject
        {
            ["type"] = "response.created",
            ["response"] = new JsonObject { ["id"] = id, ["object"] = "response", ["status"] = "in_progress", ["model"] = AgentScript.Model, ["output"] = new JsonArray() },
        }, cancellationToken);

        JsonObject item;
        if (reply.Command is { } command)
        {
            item = new JsonObject
            {
                ["type"] = "function_call",
                ["id"] = "fc_" + sequence.ToString(CultureInfo.InvariantCulture),
                ["call_id"] = "call_" + sequence.ToString(CultureInfo.InvariantCulture),
                ["name"] = "exec_command",
                ["arguments"] = new JsonObject { ["cmd"] = command }.ToJsonString(),
                ["status"] = "completed",
            };
            await sse.SendAsync("response.output_item.added", new JsonObject { ["type"] = "response.output_item.added", ["output_index"] = 0, ["item"] = item.DeepClone() }, cancellationToken);
        }
        else
        {
            var msgId = "msg_" + sequence.ToString(CultureInfo.InvariantCulture);
            await sse.SendAsync("response.output_item.added", new JsonObject
            {
                ["type"] = "response.output_item.added",
                ["output_index"] = 0,
                ["item"] = new JsonObject { ["type"] = "message", ["id"] = msgId, ["role"] = "assistant", ["status"] = "in_progress", ["content"] = new JsonArray() },
            }, cancellationToken);
            await sse.SendAsync("response.output_text.delta", new JsonObject
            {
                ["type"] = "response.output_text.delta", ["item_id"] = msgId, ["output_index"] = 0, ["content_index"] = 0, ["delta"] = reply.Text,
            }, cancellationToken);
            item = new JsonObject
            {
                ["type"] = "message",
                ["id"] = msgId,
                ["role"] = "assistant",
                ["status"] = "completed",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = reply.Text, ["annotations"] = new JsonArray() }),
            };
        }

        await sse.SendAsync("response.output_item.done", new JsonObject { ["type"] = "response.output_item.done", ["output_index"] = 0, ["item"] = item.DeepClone() }, cancellationToken);
        await sse.SendAsync("response.completed", new JsonObject
        {
            ["type"] = "response.completed",
            ["response"] = new JsonObject
            {
                ["id"] = id,
                ["object"] = "response",
                ["status"] = "completed",
                ["model"] = AgentScript.Model,
                ["output"] = new JsonArray(item),
                ["usage"] = new JsonObject
                {
                    ["input_tokens"] = 10,
                    ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
                    ["output_tokens"] = 5,
                    ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
                    ["total_tokens"] = 15,
                },
            },
        }, cancellationToken);
    }

    private static string Text(JsonNode? content)
    {
        if (content is JsonValue value)
        {
            var s = (string?)value ?? string.Empty;
            return AgentScript.IsInjected(s) ? string.Empty : s;
        }

        var parts = (content?.AsArray() ?? [])
            .Select(p => (string?)p?["text"] ?? string.Empty)
            .Where(t => !AgentScript.IsInjected(t));
        return string.Join('\n', parts);
    }
}
