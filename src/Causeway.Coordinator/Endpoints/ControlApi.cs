using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Runs;
using Causeway.Core.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Causeway.Coordinator.Endpoints;

/// <summary>The JSON control API under <c>/api</c>, protected by the admin bearer token.</summary>
internal static class ControlApi
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").AddEndpointFilter(RequireAdminAsync);
        api.MapGet("/status", Status);
        api.MapGet("/runs", (IRunRegistry runs) => Results.Json(runs.List(), JsonOptions));
        api.MapGet("/runs/{id}", (string id, IRunRegistry runs) =>
            runs.Find(id) is { } run ? Results.Json(run, JsonOptions) : Error(StatusCodes.Status404NotFound, $"no run '{id}'"));
        api.MapPost("/runs", StartRunAsync);
        api.MapPost("/runs/{id}/predict", PredictAsync);
        api.MapPost("/runs/{id}/resume", async (string id, RunManager manager, HttpContext context) =>
        {
            var result = await manager.ResumeAsync(id, context.RequestAborted).ConfigureAwait(false);
            return result.RunId is { } resumed
                ? Results.Json(new StartRunResponse(resumed), JsonOptions, statusCode: StatusCodes.Status202Accepted)
                : Error(result.Status, result.Error!);
        });
    }

    private static IResult Status(PartyRegistry parties, RunManager manager, IRunRegistry runs, IOptions<CoordinatorOptions> options)
    {
        var active = manager.ActiveRunId is { } id ? runs.Find(id)?.Run : null;
        return Results.Json(new StatusResponse(options.Value.FederationId, parties.Snapshot(), active), JsonOptions);
    }

    private static async Task<IResult> StartRunAsync(HttpContext context, RunManager manager, IOptions<CoordinatorOptions> options)
    {
        var json = await ReadTextAsync(context, options.Value.MaxControlBodyBytes).ConfigureAwait(false);
        if (json is null)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"the body exceeds {options.Value.MaxControlBodyBytes} bytes");
        }

        var result = manager.Start(json);
        return result.RunId is { } id
            ? Results.Json(new StartRunResponse(id), JsonOptions, statusCode: StatusCodes.Status202Accepted)
            : Error(result.Status, result.Error!);
    }

    private static async Task<IResult> PredictAsync(string id, HttpContext context, RunManager manager, IOptions<CoordinatorOptions> options)
    {
        if (manager.FindModel(id) is not { } model)
        {
            return Error(StatusCodes.Status404NotFound, $"run '{id}' has no model yet");
        }

        var json = await ReadTextAsync(context, options.Value.MaxControlBodyBytes).ConfigureAwait(false);
        if (json is null)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"the body exceeds {options.Value.MaxControlBodyBytes} bytes");
        }

        PredictRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<PredictRequest>(json, JsonSerializerOptions.Web);
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, $"invalid JSON: {e.Message}");
        }

        if (request?.Rows is not { Length: > 0 } rows)
        {
            return Error(StatusCodes.Status400BadRequest, "the body must be {\"rows\": [[feature, ...], ...]} with at least one row");
        }

        var inputs = model.Spec.Inputs;
        var features = new float[rows.Length * inputs];
        for (var r = 0; r < rows.Length; r++)
        {
            if (rows[r] is not { } row || row.Length != inputs)
            {
                return Error(StatusCodes.Status400BadRequest, $"row {r} has {rows[r]?.Length ?? 0} features; the model takes {inputs}");
            }

            row.CopyTo(features, r * inputs);
        }

        var outputs = new float[rows.Length * model.Spec.Outputs];
        new DenseNetwork(model.Spec).Predict(model.Global, features, rows.Length, outputs);
        var predictions = new float[rows.Length][];
        for (var r = 0; r < rows.Length; r++)
        {
            predictions[r] = outputs.AsSpan(r * model.Spec.Outputs, model.Spec.Outputs).ToArray();
        }

        return Results.Json(new PredictResponse(predictions), JsonOptions);
    }

    private static async ValueTask<object?> RequireAdminAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var expected = http.RequestServices.GetRequiredService<IOptions<CoordinatorOptions>>().Value.AdminTokenHash;
        if (expected is null)
        {
            return Error(StatusCodes.Status403Forbidden, "the control API is disabled: no admin token is configured");
        }

        var header = http.Request.Headers.Authorization.ToString();
        const string Prefix = "Bearer ";
        var presented = header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)
            ? SHA256.HashData(Encoding.UTF8.GetBytes(header[Prefix.Length..].Trim()))
            : null;
        if (presented is null || !CryptographicOperations.FixedTimeEquals(presented, expected))
        {
            return Error(StatusCodes.Status401Unauthorized, "missing or invalid admin token (Authorization: Bearer <token>)");
        }

        return await next(context).ConfigureAwait(false);
    }

    private static async Task<string?> ReadTextAsync(HttpContext context, long maxBytes)
    {
        using var body = await PooledBody.ReadAsync(context.Request, maxBytes, context.RequestAborted).ConfigureAwait(false);
        return body is null ? null : Encoding.UTF8.GetString(body.Memory.Span);
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), JsonOptions, statusCode: status);

    private sealed record StatusResponse(string Federation, IReadOnlyList<PartyStatus> Parties, RunSummary? CurrentRun);

    private sealed record StartRunResponse(string Id);

    private sealed record PredictRequest(float[]?[]? Rows);

    private sealed record PredictResponse(float[][] Predictions);

    private sealed record ErrorResponse(string Error);
}
