using System.Text.Json.Serialization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace Causeway.Coordinator.Endpoints;

/// <summary>
/// The control API's OpenAPI document, served at <see cref="Path"/> without a token (it describes, it holds no data).
/// docs/openapi.json is a copy that a test keeps in step. The protobuf protocol is not in it: docs/protocol.md and the
/// .proto files describe that.
/// </summary>
internal static class OpenApiDocument
{
    /// <summary>Where the coordinator serves the document.</summary>
    public const string Path = "/openapi/v1.json";

    private const string AdminScheme = "adminToken";

    public static void Add(IServiceCollection services)
    {
        // The document describes JSON as the control API writes it: enums as their names.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        services.AddOpenApi("v1", options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Causeway coordinator control API",
                Version = "v1",
                Description = "The JSON control API under /api: runs, parties, vertical jobs, vector search and released statistics. "
                    + "Every call needs the admin token as a bearer token; errors answer {\"error\": \"...\"}. docs/protocol.md describes each call.",
            };
            document.Servers = [];
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[AdminScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "The coordinator's admin token (causeway coordinator --admin-token or CAUSEWAY_ADMIN_TOKEN).",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(AdminScheme, document)] = [] }];
            return Task.CompletedTask;
        }));
    }
}
