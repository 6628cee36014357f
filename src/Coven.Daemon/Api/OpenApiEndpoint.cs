using System.Text.Json;
using System.Text.Json.Serialization;
using Coven.Core;
using Coven.Core.Api;
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
            o.AddDocumentTransformer((document, context, _) =>
            {
                Describe(document, context.ApplicationServices.GetRequiredService<EndpointDataSource>());
                return Task.CompletedTask;
            });
        });
    }

    public static void Map(IEndpointRouteBuilder app) => app.MapOpenApi(Path);

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
