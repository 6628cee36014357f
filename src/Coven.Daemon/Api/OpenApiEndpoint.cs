using System.Text.Json;
using System.Text.Json.Serialization;
using Coven.Core;
using Coven.Core.Api;
using Coven.Store;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Coven.Daemon.Api;

/// <summary>
/// <c>GET /api/v1/openapi.json</c>: the OpenAPI 3.1 document of Microsoft.AspNetCore.OpenApi, built from the route
/// table and the metadata each route declares (<see cref="ApiMetadata"/>: request and response types, error statuses,
/// query parameters), with schemas from the source-generated <see cref="CovenJsonContext"/> (no reflection-based JSON,
/// so it stays trim/AOT-compatible). docs/api.md is the prose of the same contract; ApiContractTests compares the
/// document, docs/api.md and real responses of a daemon.
/// </summary>
internal static class OpenApiEndpoint
{
    public const string Path = "/api/v1/openapi.json";

    public static void AddServices(IServiceCollection services)
    {
        // The schemas come from the same contracts the handlers write: camelCase, numbers as numbers.
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, CovenJsonContext.Default);
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddOpenApi(o =>
        {
            o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            o.AddOperationTransformer(ApiMetadata.ApplyAsync);
            o.AddDocumentTransformer(async (document, context, ct) =>
            {
                Describe(document, context.ApplicationServices.GetRequiredService<EndpointDataSource>());
                await DescribePayloadsAsync(document, context, ct);
            });
        });
    }

    public static void Map(IEndpointRouteBuilder app) => app.MapOpenApi(Path);

    /// <summary>The schema of each event kind's <c>payloadJson</c> document (input has the shape of output).</summary>
    internal static readonly (string Kind, Type Payload)[] EventPayloads =
    [
        (EventKinds.Output, typeof(OutputPayload)), (EventKinds.Input, typeof(OutputPayload)), (EventKinds.Resize, typeof(ResizePayload)),
        (EventKinds.Kill, typeof(KillPayload)), (EventKinds.Exit, typeof(ExitPayload)), (EventKinds.Lifecycle, typeof(LifecyclePayload)),
        (EventKinds.Reattached, typeof(ReattachedPayload)), (EventKinds.Truncated, typeof(TruncatedPayload)),
        (EventKinds.Activity, typeof(ActivityPayload)),
    ];

    /// <summary>
    /// <c>payloadJson</c> is a JSON document in a string, which OpenAPI cannot type: its schemas go into the components,
    /// and <c>EventDto</c> maps each kind to one (<c>x-coven-payload-schemas</c>).
    /// </summary>
    private static async Task DescribePayloadsAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var map = new System.Text.Json.Nodes.JsonObject();
        foreach (var (kind, type) in EventPayloads)
        {
            if (!document.Components.Schemas.ContainsKey(type.Name))
            {
                document.Components.Schemas[type.Name] = await context.GetOrCreateSchemaAsync(type, null, ct);
            }

            map[kind] = "#/components/schemas/" + type.Name;
        }

        if (document.Components.Schemas.TryGetValue("EventDto", out var eventSchema) && eventSchema is OpenApiSchema concrete)
        {
            concrete.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            concrete.Extensions["x-coven-payload-schemas"] = new JsonNodeExtension(map);
        }
    }

    private static void Describe(OpenApiDocument document, EndpointDataSource endpoints)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Coven daemon API",
            Version = "coven.daemon.v1 (" + ProductVersion.Number + ")",
            Description = "HTTP/1.1 over the Unix socket COVEN_HOME/coven.sock; only the socket owner's uid is served. "
                + "JSON, camelCase; every error is {\"error\": {\"code\", \"message\", \"details\"}}. Reference: docs/api.md.",
        };
        document.Servers = [];
        document.Paths ??= [];

        // MapOpenApi leaves its own route out of the document; list it like every other route.
        var self = new OpenApiOperation
        {
            OperationId = "openapi",
            Summary = "This document (OpenAPI 3.1).",
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse
                {
                    Description = "The OpenAPI document.",
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Object } } },
                },
            },
        };
        document.Paths[Path] = new OpenApiPathItem { Operations = new() { [HttpMethod.Get] = self } };

        // Any route that is mapped but not described still appears (marked), so the document lists every route by
        // construction; the contract test then fails on its missing schemas.
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            var path = endpoint.RoutePattern.RawText;
            if (path is null || !path.StartsWith("/api/v1/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
            {
                if (!document.Paths.TryGetValue(path, out var item))
                {
                    item = new OpenApiPathItem();
                    document.Paths[path] = item;
                }

                if (item is not OpenApiPathItem concrete)
                {
                    continue;
                }

                concrete.Operations ??= [];
                var httpMethod = new HttpMethod(method);
                if (!concrete.Operations.ContainsKey(httpMethod))
                {
                    concrete.Operations[httpMethod] = new OpenApiOperation
                    {
                        OperationId = endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName,
                        Summary = "Not described: this route declares no request/response metadata.",
                        Responses = new OpenApiResponses { ["default"] = new OpenApiResponse { Description = "undescribed" } },
                    };
                }
            }
        }
    }
}
