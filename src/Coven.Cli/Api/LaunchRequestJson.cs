using System.Buffers;
using System.Text;
using System.Text.Json;
using Coven.Core.Api;

namespace Coven.Cli.Api;

/// <summary>
/// <c>POST /api/v1/sessions</c>'s body written straight with a <see cref="Utf8JsonWriter"/>, the same document
/// <c>JsonSerializer.Serialize(request, CovenJsonContext.Default.LaunchRequest)</c> gives (every property, nulls written as
/// null). The serializer's first use in a process builds the type's metadata, polymorphism lookups by reflection
/// included: about a fifth of <c>coven run --detach</c>'s own CPU time (docs/benchmarks-cli.md). LaunchRequestJsonTests
/// holds the two equal, so a property added to <see cref="LaunchRequest"/> fails there until it is written here.
/// </summary>
internal static class LaunchRequestJson
{
    public static string Serialize(LaunchRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            String(w, "projectRoot", request.ProjectRoot);
            String(w, "cwd", request.Cwd);
            String(w, "harness", request.Harness);
            String(w, "prompt", request.Prompt);
            String(w, "title", request.Title);
            String(w, "model", request.Model);
            String(w, "familiar", request.Familiar);
            Number(w, "cols", request.Cols);
            Number(w, "rows", request.Rows);
            Element(w, "executionBinding", request.ExecutionBinding);
            Element(w, "launchMode", request.LaunchMode);
            Element(w, "launchPolicy", request.LaunchPolicy);
            if (request.Worktree is { } worktree)
            {
                w.WriteBoolean("worktree", worktree);
            }
            else
            {
                w.WriteNull("worktree");
            }

            String(w, "base", request.Base);
            if (request.Environment is { } environment)
            {
                w.WriteStartObject("environment");
                foreach (var (name, value) in environment)
                {
                    w.WriteString(name, value);
                }

                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("environment");
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void String(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } n)
        {
            w.WriteNumber(name, n);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Element(Utf8JsonWriter w, string name, JsonElement? value)
    {
        w.WritePropertyName(name);
        if (value is { } element)
        {
            element.WriteTo(w);
        }
        else
        {
            w.WriteNullValue();
        }
    }
}
