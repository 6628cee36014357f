using System.Text.Json;
using System.Text.RegularExpressions;

namespace Coven.Daemon.Tests;

/// <summary>
/// The served OpenAPI document and docs/api.md, as the contract test reads them: operations, their response schemas
/// (with <c>$ref</c>, <c>oneOf</c>/<c>anyOf</c> and nullable types resolved) and the names the reference mentions.
/// </summary>
public sealed partial class OpenApiContract(JsonElement document, string reference)
{
    public JsonElement Document { get; } = document;

    public string Reference { get; } = reference;

    /// <summary>Every (METHOD, path) of the document.</summary>
    public IEnumerable<(string Method, string Path, JsonElement Operation)> Operations()
    {
        foreach (var path in Document.GetProperty("paths").EnumerateObject())
        {
            foreach (var op in path.Value.EnumerateObject())
            {
                yield return (op.Name.ToUpperInvariant(), path.Name, op.Value);
            }
        }
    }

    /// <summary>Every (METHOD, path) that docs/api.md names as <c>`METHOD /api/v1/...`</c>.</summary>
    public HashSet<(string Method, string Path)> DocumentedRoutes() =>
        RouteInReference().Matches(Reference).Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToHashSet();

    /// <summary>True when docs/api.md names <paramref name="field"/> as <c>`field`</c> or <c>"field"</c>.</summary>
    public bool Names(string field) =>
        Reference.Contains('`' + field + '`', StringComparison.Ordinal) || Reference.Contains('"' + field + '"', StringComparison.Ordinal);

    public JsonElement? Operation(string method, string path) =>
        Document.GetProperty("paths").TryGetProperty(path, out var item) && item.TryGetProperty(method.ToLowerInvariant(), out var op) ? op : null;

    /// <summary>The schema of the answer with <paramref name="status"/> and <paramref name="mediaType"/>, or null.</summary>
    public JsonElement? ResponseSchema(JsonElement operation, int status, string mediaType) =>
        operation.TryGetProperty("responses", out var responses)
        && responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response)
        && response.TryGetProperty("content", out var content)
        && content.TryGetProperty(mediaType, out var media)
        && media.TryGetProperty("schema", out var schema)
            ? Resolve(schema)
            : null;

    public JsonElement Component(string reference) => Resolve(JsonDocument.Parse($$"""{"$ref":"{{reference}}"}""").RootElement);

    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var r))
        {
            var name = r.GetString()!;
            const string prefix = "#/components/schemas/";
            Assert.StartsWith(prefix, name);
            schema = Document.GetProperty("components").GetProperty("schemas").GetProperty(name[prefix.Length..]);
        }

        return schema;
    }

    /// <summary>
    /// Problems of <paramref name="value"/> against <paramref name="schema"/>: a property the schema does not declare
    /// (an object schema that declares properties is read as closed), or a JSON type it does not allow. Objects whose
    /// schema declares no properties (dictionaries, free JSON) are not descended into.
    /// </summary>
    public List<string> Check(JsonElement value, JsonElement schema, string at)
    {
        schema = Resolve(schema);
        foreach (var keyword in new[] { "oneOf", "anyOf" })
        {
            if (schema.TryGetProperty(keyword, out var alternatives))
            {
                List<string>? best = null;
                foreach (var alternative in alternatives.EnumerateArray())
                {
                    var problems = Check(value, alternative, at);
                    if (problems.Count == 0)
                    {
                        return problems;
                    }

                    if (best is null || problems.Count < best.Count)
                    {
                        best = problems;
                    }
                }

                return best ?? [];
            }
        }

        var problemsHere = new List<string>();
        if (!TypeAllowed(schema, value))
        {
            problemsHere.Add($"{at}: {value.ValueKind} is not allowed by the schema ({schema})");
            return problemsHere;
        }

        if (value.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties))
        {
            foreach (var p in value.EnumerateObject())
            {
                if (properties.TryGetProperty(p.Name, out var propertySchema))
                {
                    problemsHere.AddRange(Check(p.Value, propertySchema, at + "." + p.Name));
                }
                else
                {
                    problemsHere.Add($"{at}.{p.Name}: not declared in the OpenAPI schema");
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                problemsHere.AddRange(Check(item, items, $"{at}[{i++}]"));
            }
        }

        return problemsHere;
    }

    /// <summary>Every property name anywhere in <paramref name="value"/>, with where it was seen.</summary>
    public static IEnumerable<(string Name, string At)> FieldNames(JsonElement value, string at)
    {
        if (value.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in value.EnumerateObject())
            {
                yield return (p.Name, at);
                foreach (var inner in FieldNames(p.Value, at + "." + p.Name))
                {
                    yield return inner;
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in value.EnumerateArray())
            {
                foreach (var inner in FieldNames(item, at + "[]"))
                {
                    yield return inner;
                }
            }
        }
    }

    private static bool TypeAllowed(JsonElement schema, JsonElement value)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return true;
        }

        var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
        return value.ValueKind switch
        {
            JsonValueKind.Object => allowed.Contains("object"),
            JsonValueKind.Array => allowed.Contains("array"),
            JsonValueKind.String => allowed.Contains("string"),
            JsonValueKind.Number => allowed.Contains("number") || (allowed.Contains("integer") && value.TryGetInt64(out _)),
            JsonValueKind.True or JsonValueKind.False => allowed.Contains("boolean"),
            JsonValueKind.Null => allowed.Contains("null"),
            _ => false,
        };
    }

    [GeneratedRegex(@"`(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^`?\s]*)")]
    private static partial Regex RouteInReference();
}
