using Coven.Core.Api;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Coven.Daemon.Api;

/// <summary>
/// What a route declares about itself for the OpenAPI document. The handlers read bodies and queries themselves
/// (strictly, with the error envelope), so nothing is inferred from their parameters: each route names its body,
/// answers, error statuses and query parameters here.
/// </summary>
internal static class ApiMetadata
{
    private const string Json = "application/json";

    /// <summary>The JSON body this route reads (<paramref name="optional"/>: an empty body is allowed).</summary>
    public static RouteHandlerBuilder Body<T>(this RouteHandlerBuilder route, bool optional = false)
        where T : notnull => route.Accepts<T>(optional, Json);

    /// <summary>A JSON answer of type <typeparamref name="T"/> with status <paramref name="status"/>.</summary>
    public static RouteHandlerBuilder Answers<T>(this RouteHandlerBuilder route, int status = StatusCodes.Status200OK) => route.Produces<T>(status, Json);

    /// <summary>
    /// Error statuses this route answers with the error envelope, besides 500 (<c>internal</c>), which every route
    /// may answer; 413 (<c>payload_too_large</c>) is added to every route that takes a body.
    /// </summary>
    public static RouteHandlerBuilder Errors(this RouteHandlerBuilder route, params int[] statuses)
    {
        foreach (var status in statuses.Append(StatusCodes.Status500InternalServerError))
        {
            route.Produces<ErrorEnvelope>(status, Json);
        }

        return route;
    }

    /// <summary>A query parameter the handler reads (and validates) itself.</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder route, string name, string type, string description) =>
        route.WithMetadata(new QueryParameter(name, type, description));

    /// <summary>Status <paramref name="status"/> answers one of several JSON types (chosen by a query parameter).</summary>
    public static RouteHandlerBuilder AnswersOneOf<T1, T2>(this RouteHandlerBuilder route, int status = StatusCodes.Status200OK) =>
        route.Produces<T1>(status, Json).WithMetadata(new OneOfAnswer(status, [typeof(T1), typeof(T2)]));

    /// <summary>Turns the metadata above into OpenAPI that the generator cannot infer.</summary>
    public static async Task ApplyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        foreach (var query in metadata.OfType<QueryParameter>())
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = query.Name,
                In = ParameterLocation.Query,
                Required = false,
                Description = query.Description,
                Schema = new OpenApiSchema { Type = query.Type switch { "integer" => JsonSchemaType.Integer, "boolean" => JsonSchemaType.Boolean, _ => JsonSchemaType.String } },
            });
        }

        foreach (var oneOf in metadata.OfType<OneOfAnswer>())
        {
            if (operation.Responses?.TryGetValue(oneOf.Status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var response) == true
                && response is OpenApiResponse concrete && concrete.Content?.TryGetValue(Json, out var media) == true)
            {
                // References to component schemas: the generator's inline schemas of nested types lose their nullability.
                var schema = new OpenApiSchema { OneOf = [] };
                foreach (var type in oneOf.Types)
                {
                    if (context.Document?.Components?.Schemas?.ContainsKey(type.Name) != true)
                    {
                        context.Document?.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, ct));
                    }

                    schema.OneOf.Add(new OpenApiSchemaReference(type.Name, context.Document));
                }

                media.Schema = schema;
            }
        }

        // Every body may be refused as too large before the handler runs.
        if (operation.RequestBody is not null && operation.Responses is { } responses && !responses.ContainsKey("413")
            && responses.TryGetValue("500", out var internalError))
        {
            responses["413"] = new OpenApiResponse { Description = "Payload Too Large", Content = (internalError as OpenApiResponse)?.Content };
        }
    }

    private sealed record QueryParameter(string Name, string Type, string Description);

    private sealed record OneOfAnswer(int Status, Type[] Types);
}
