using Causeway.Coordinator.Endpoints;
using Causeway.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Causeway.Coordinator.Hosting;

/// <summary>Maps the coordinator's endpoints.</summary>
public static class CausewayEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the protobuf protocol (<c>POST /causeway.v1/Join|Heartbeat|PullTask|PushResult</c>) and the JSON
    /// control API (<c>/api/status</c>, <c>/api/runs</c>, <c>/api/runs/{id}</c>, <c>/api/runs/{id}/predict</c>, ...,
    /// <c>/api/events</c>), its OpenAPI document (<c>/openapi/v1.json</c>) and the dashboard (<c>/dashboard</c>).
    /// </summary>
    public static IEndpointRouteBuilder MapCauseway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handlers = endpoints.ServiceProvider.GetRequiredService<ProtocolHandlers>();

        // Create the channel now so it subscribes to session ends before the first party joins.
        _ = endpoints.ServiceProvider.GetRequiredService<Mailbox.NetworkPartyChannel>();
        endpoints.MapPost(CausewayProtocol.JoinPath, handlers.JoinAsync);
        endpoints.MapPost(CausewayProtocol.HeartbeatPath, handlers.HeartbeatAsync);
        endpoints.MapPost(CausewayProtocol.PullTaskPath, handlers.PullTaskAsync);
        endpoints.MapPost(CausewayProtocol.PushResultPath, handlers.PushResultAsync);
        endpoints.MapPost(CausewayProtocol.SearchPath, handlers.SearchAsync);

        // Every protocol answer is an Error message, refusals of other methods and unknown paths included.
        foreach (var path in new[] { CausewayProtocol.JoinPath, CausewayProtocol.HeartbeatPath, CausewayProtocol.PullTaskPath, CausewayProtocol.PushResultPath, CausewayProtocol.SearchPath })
        {
            endpoints.MapMethods(path, ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"], handlers.MethodNotAllowedAsync);
        }

        endpoints.MapFallback(CausewayProtocol.PathPrefix + "{**call}", handlers.NotFoundAsync);
        ControlApi.Map(endpoints);
        Dashboard.DashboardEndpoints.MapFiles(endpoints);
        endpoints.MapOpenApi(OpenApiDocument.Path);
        return endpoints;
    }
}
