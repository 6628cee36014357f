using System.Text;
using System.Text.Json;
using Coven.Core;
using Coven.Daemon.Hosting;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Coven.Daemon.Api;

/// <summary>
/// <c>GET /api/v1/openapi.json</c>: an OpenAPI 3.0 document built from the live route table, so every mapped route
/// is listed by construction (names and summaries come from the endpoint metadata; bodies are described in api.md).
/// </summary>
internal static class OpenApiEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/openapi.json", (EndpointDataSource endpoints) => Results.Text(Build(endpoints), "application/json; charset=utf-8"))
            .WithName("openapi").WithSummary("This document.");
    }

    internal static string Build(EndpointDataSource endpoints)
    {
        var routes = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .Select(e => (Path: e.RoutePattern.RawText!, Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [], Endpoint: e))
            .GroupBy(r => r.Path)
            .OrderBy(g => g.Key, StringComparer.Ordinal);

        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("openapi", "3.0.3");
            w.WriteStartObject("info");
            w.WriteString("title", "Coven daemon API");
            w.WriteString("version", "coven.daemon.v1 (" + ProductVersion.Number + ")");
            w.WriteString("description", "HTTP/1.1 over the Unix socket COVEN_HOME/coven.sock. Errors use {\"error\":{\"code\",\"message\",\"details\"}}.");
            w.WriteEndObject();
            w.WriteStartObject("paths");
            foreach (var group in routes)
            {
                w.WriteStartObject(group.Key);
                foreach (var (_, methods, endpoint) in group)
                {
                    foreach (var method in methods)
                    {
                        w.WriteStartObject(method.ToLowerInvariant());
                        if (endpoint.Metadata.GetMetadata<IEndpointNameMetadata>() is { } name)
                        {
                            w.WriteString("operationId", name.EndpointName);
                        }

                        if (endpoint.Metadata.GetMetadata<IEndpointSummaryMetadata>() is { } summary)
                        {
                            w.WriteString("summary", summary.Summary);
                        }

                        var parameters = endpoint.RoutePattern.Parameters;
                        if (parameters.Count > 0)
                        {
                            w.WriteStartArray("parameters");
                            foreach (var p in parameters)
                            {
                                WriteParameter(w, p);
                            }

                            w.WriteEndArray();
                        }

                        w.WriteStartObject("responses");
                        w.WriteStartObject("default");
                        w.WriteString("description", "JSON body as described in api.md; errors use the error envelope.");
                        w.WriteEndObject();
                        w.WriteEndObject();
                        w.WriteEndObject();
                    }
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteParameter(Utf8JsonWriter w, RoutePatternParameterPart p)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("in", "path");
        w.WriteBoolean("required", true);
        w.WriteStartObject("schema");
        w.WriteString("type", "string");
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
