using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Causeway.Coordinator.Parties;
using Causeway.Coordinator.Refusals;
using Causeway.Coordinator.Runs;
using Causeway.Coordinator.Statistics;
using Causeway.Coordinator.Storage;
using Causeway.Coordinator.Vertical;
using Causeway.Core.Data;
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
    // Relaxed escaping: messages such as "no run 'x'" read as written in curl's output (the body is application/json,
    // never embedded in HTML).
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api").AddEndpointFilter(RequireAdminAsync).AddEndpointFilter(AnswerRefusalsAsync).WithTags("control");

        // Each endpoint with what it answers, for the OpenAPI document (GET /openapi/v1.json; docs/protocol.md says more).
        api.MapGet("/status", StatusAsync)
            .Describe<StatusResponse>("The federation, its connected parties and the run in progress");
        api.MapGet("/parties", (PartyRegistry parties, TimeProvider time) =>
                Results.Json(new PartiesResponse(time.GetUtcNow(), parties.Members()), JsonOptions))
            .Describe<PartiesResponse>("Every party seen since the coordinator started, online or not");
        api.MapGet("/schemas/merged", MergedSchema)
            .Describe<MergedSchemaResponse>(
                "The union of the connected parties' schemas: every category and label value any of them described (schema merge --coordinator)",
                errors: [StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict]);
        api.MapGet("/events", Dashboard.DashboardEndpoints.StreamChangesAsync)
            .Describe<Dashboard.Change>("Server-sent events: 'ready', then a 'change' {topic, id} whenever a party, run or vertical job changes", contentType: "text/event-stream");
        api.MapGet("/runs", async (RunService runs, HttpContext context) =>
                Results.Json(await runs.ListAsync(context.RequestAborted).ConfigureAwait(false), JsonOptions))
            .Describe<RunSummary[]>("Every run of the store, newest first");
        api.MapGet("/runs/{id}", async (string id, RunService runs, HttpContext context) =>
                await runs.FindAsync(id, context.RequestAborted).ConfigureAwait(false) is { } run
                    ? Results.Json(run, JsonOptions)
                    : Error(StatusCodes.Status404NotFound, $"no run '{id}'"))
            .Describe<RunDetails>("A run with its closed rounds, its ε budget and reference figures", errors: [StatusCodes.Status404NotFound]);
        api.MapPost("/runs", StartRunAsync)
            .Describe<StartRunResponse>("Starts a run from a run configuration (docs/configuration.md)", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge], success: StatusCodes.Status202Accepted)
            .Accepts<JsonElement>("application/json");
        api.MapGet("/runs/{id}/model", ModelAsync)
            .Describe<byte[]>("The run's latest global model as a model file (docs/model-format.md)", errors: [StatusCodes.Status404NotFound], contentType: "application/octet-stream");
        api.MapPost("/runs/{id}/predict", PredictAsync)
            .Describe<PredictResponse>("Predictions of the run's latest model for raw rows", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge])
            .Accepts<PredictRequest>("application/json");
        api.MapPost("/runs/{id}/statistics/release", ReleaseStatisticsAsync)
            .Describe<ReleaseResponse>("Differentially private counts and histograms of the run's merged statistics", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Accepts<JsonElement>("application/json");
        api.MapPost("/runs/{id}/popular-items", ReleasePopularItemsAsync)
            .Describe<PopularItemsResponse>("Popular items across the parties, with differential privacy", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Accepts<PopularItemsQuery>("application/json");
        api.MapPost("/vectors/search", SearchVectorsAsync)
            .Describe<Federation.Vectors.FederatedSearchResult>("A federated vector query: every connected party's answer, merged", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict])
            .Accepts<Vectors.FederatedSearchRequest>("application/json");
        api.MapGet("/vectors/collections", async (Vectors.CollectionDirectory directory, HttpContext context) =>
                Results.Json(new CollectionsResponse(await directory.ListAsync(context.RequestAborted).ConfigureAwait(false)), JsonOptions))
            .Describe<CollectionsResponse>("Every connected party's vector collections: names, dimensions, metrics, index kinds and record counts");
        api.MapPost("/vectors/codebook", TrainCodebookAsync)
            .Describe<Vectors.CodebookResult>("Trains one IVF codebook by federated k-means and installs it at every party", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway])
            .Accepts<Vectors.CodebookRequest>("application/json");
        api.MapPost("/vectors/encoder", DeployEncoderAsync)
            .Describe<Vectors.EncoderResult>("Deploys a run's model as a collection's encoder at every party", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict])
            .Accepts<Vectors.EncoderRequest>("application/json");
        api.MapGet("/runs/{id}/statistics/budget", async (string id, StatisticsReleaser releaser, HttpContext context) =>
                await releaser.BudgetAsync(id, context.RequestAborted).ConfigureAwait(false) is { } budget
                    ? Results.Json(budget, JsonOptions)
                    : Error(StatusCodes.Status404NotFound, StatisticsReleaser.NoStatistics(id)))
            .Describe<StatisticsBudget>("What the run's statistics releases have spent and have left", errors: [StatusCodes.Status404NotFound]);
        api.MapPost("/vertical/jobs", StartVerticalJobAsync)
            .Describe<StartRunResponse>("Starts a vertical job (docs/vertical.md)", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge], success: StatusCodes.Status202Accepted)
            .Accepts<JsonElement>("application/json");
        api.MapGet("/vertical/jobs", (VerticalJobs jobs) => Results.Json(jobs.List(), JsonOptions))
            .Describe<VerticalJobStatus[]>("Every vertical job since the coordinator started, newest first");
        api.MapGet("/vertical/jobs/{id}", (string id, VerticalJobs jobs) =>
                jobs.Find(id) is { } job ? Results.Json(job, JsonOptions) : Error(StatusCodes.Status404NotFound, $"no vertical job '{id}'"))
            .Describe<VerticalJobStatus>("A vertical job's state, progress and result", errors: [StatusCodes.Status404NotFound]);
        api.MapPost("/vertical/jobs/{id}/score", ScoreVerticalAsync)
            .Describe<ScoreResponse>("Vertical inference: scores by the parties holding each ID", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status502BadGateway])
            .Accepts<ScoreRequest>("application/json");
        api.MapPut("/runs/{id}/reference", SetReferenceAsync)
            .Describe<RunReference>("Keeps figures of a model trained elsewhere beside the run, for comparison", errors: [StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound])
            .Accepts<RunReference>("application/json");
        api.MapPost("/runs/{id}/resume", async (string id, RunService runs, HttpContext context) =>
                Results.Json(new StartRunResponse(await runs.ResumeAsync(id, context.RequestAborted).ConfigureAwait(false)), JsonOptions, statusCode: StatusCodes.Status202Accepted))
            .Describe<StartRunResponse>("Continues a stopped, failed or interrupted run from its last closed round", errors: [StatusCodes.Status404NotFound, StatusCodes.Status409Conflict], success: StatusCodes.Status202Accepted)
            ;
        api.MapPost("/runs/{id}/stop", async (string id, RunService runs, HttpContext context) =>
                Results.Json(await runs.StopAsync(id, context.RequestAborted).ConfigureAwait(false), JsonOptions))
            .Describe<RunSummary>("Stops a run after its last closed round", errors: [StatusCodes.Status404NotFound, StatusCodes.Status409Conflict]);
    }

    // The endpoint's summary, its answer on success and the error statuses it answers with an ErrorResponse, besides the
    // 401 and 403 of every control API call: what the OpenAPI document says of it.
    private static RouteHandlerBuilder Describe<TResponse>(
        this RouteHandlerBuilder endpoint, string summary, int[]? errors = null, int success = StatusCodes.Status200OK, string contentType = "application/json")
    {
        endpoint.WithSummary(summary).Produces<TResponse>(success, contentType);
        foreach (var status in (errors ?? []).Append(StatusCodes.Status401Unauthorized).Append(StatusCodes.Status403Forbidden).Order())
        {
            endpoint.Produces<ErrorResponse>(status);
        }

        return endpoint;
    }

    /// <summary>The one place where the coordinator's typed refusals become HTTP statuses.</summary>
    private static int StatusOf(Exception refusal) => refusal switch
    {
        InvalidRequestException => StatusCodes.Status400BadRequest,
        NotFoundException or RunNotFoundException => StatusCodes.Status404NotFound,
        ConflictException => StatusCodes.Status409Conflict,
        PartyFailedException => StatusCodes.Status502BadGateway,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static async ValueTask<object?> AnswerRefusalsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestRefusedException or RunNotFoundException)
        {
            return Error(StatusOf(e), e.Message);
        }
    }

    /// <summary>
    /// The federated mode of <c>causeway schema merge</c>: each party joins with the schema it inferred from its own rows,
    /// and the coordinator, which sees every party's schema at Join anyway, answers their union (SchemaInference.Merge):
    /// the categories and label values any of them saw, in first-seen order. Parties then restart with the merged schema.
    /// </summary>
    private static IResult MergedSchema(PartyRegistry parties)
    {
        var drafts = parties.ActiveSessions()
            .Where(s => s.Data is { Ratings: null, SchemaJson.Length: > 0 })
            .Select(s => (s.Data!.SchemaJson, s.Party.Value))
            .ToList();
        if (drafts.Count == 0)
        {
            return Error(StatusCodes.Status409Conflict, "no connected party has described a table (start parties with --data and --schema)");
        }

        try
        {
            var merged = SchemaInference.Merge([.. drafts.Select(d => (d.SchemaJson, $"party '{d.Value}''s schema"))]);
            return Results.Json(new MergedSchemaResponse(JsonDocument.Parse(merged).RootElement.Clone(), [.. drafts.Select(d => d.Value)]), JsonOptions);
        }
        catch (DataFormatException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    private static async Task<IResult> StatusAsync(PartyRegistry parties, RunService runs, IOptions<CoordinatorOptions> options, HttpContext context)
    {
        var active = runs.ActiveRunId is { } id ? (await runs.FindAsync(id, context.RequestAborted).ConfigureAwait(false))?.Run : null;
        return Results.Json(new StatusResponse(options.Value.FederationId, parties.Snapshot(), active), JsonOptions);
    }

    private static async Task<IResult> StartRunAsync(HttpContext context, RunService runs, IOptions<CoordinatorOptions> options)
    {
        var (json, tooLarge) = await ReadBodyAsync(context, options).ConfigureAwait(false);
        if (json is null)
        {
            return tooLarge!;
        }

        var id = await runs.StartAsync(json, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new StartRunResponse(id), JsonOptions, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> SetReferenceAsync(string id, HttpContext context, RunService runs, IOptions<CoordinatorOptions> options)
    {
        var (json, tooLarge) = await ReadBodyAsync(context, options).ConfigureAwait(false);
        if (json is null)
        {
            return tooLarge!;
        }

        var (reference, invalid) = RunReference.Parse(json);
        if (reference is null)
        {
            return Error(StatusCodes.Status400BadRequest, invalid!);
        }

        await runs.SetReferenceAsync(id, reference, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(reference, JsonOptions);
    }

    private static async Task<IResult> StartVerticalJobAsync(HttpContext context, VerticalJobs jobs, IOptions<CoordinatorOptions> options)
    {
        var (json, tooLarge) = await ReadBodyAsync(context, options).ConfigureAwait(false);
        if (json is null)
        {
            return tooLarge!;
        }

        return Results.Json(new StartRunResponse(jobs.Start(json)), JsonOptions, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>Vertical inference: <c>{"ids": [...]}</c> scored by the parties holding them; null where a party lacks an ID.</summary>
    private static async Task<IResult> ScoreVerticalAsync(string id, HttpContext context, VerticalJobs jobs, IOptions<CoordinatorOptions> options)
    {
        var (json, tooLarge) = await ReadBodyAsync(context, options).ConfigureAwait(false);
        if (json is null)
        {
            return tooLarge!;
        }

        List<string?>? ids;
        try
        {
            ids = JsonSerializer.Deserialize<ScoreRequest>(json, JsonSerializerOptions.Web)?.Ids;
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, $"invalid JSON: {e.Message}");
        }

        if (ids is null || ids.Any(string.IsNullOrEmpty))
        {
            return Error(StatusCodes.Status400BadRequest, "the body must be {\"ids\": [\"id\", ...]} with non-empty IDs");
        }

        var predictions = await jobs.ScoreAsync(id, ids!, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new ScoreResponse([.. predictions.Select(p => double.IsNaN(p) ? (double?)null : p)]), JsonOptions);
    }

    /// <summary>The run's latest global model as a model file (docs/model-format.md) with its schema and merged statistics.</summary>
    private static async Task<IResult> ModelAsync(string id, RunService runs, HttpContext context)
    {
        using var buffer = new MemoryStream();
        if (await runs.FindModelAsync(id, context.RequestAborted).ConfigureAwait(false) is { } model)
        {
            model.Write(buffer);
        }
        else if (await runs.FindItemModelAsync(id, context.RequestAborted).ConfigureAwait(false) is var (setup, items))
        {
            // A recommendation run's item model (docs/model-format.md, "Item models"); users' vectors never reach the coordinator.
            Federation.Recommendation.Network.ItemModelFile.Write(buffer, setup, items);
        }
        else
        {
            return Error(StatusCodes.Status404NotFound, $"run '{id}' has no model yet");
        }

        return Results.Bytes(buffer.ToArray(), "application/octet-stream", $"{id}.cw");
    }

    private static async Task<IResult> PredictAsync(string id, HttpContext context, RunService runs, IOptions<CoordinatorOptions> options)
    {
        if (await runs.FindModelAsync(id, context.RequestAborted).ConfigureAwait(false) is not { } model)
        {
            return Error(StatusCodes.Status404NotFound, $"run '{id}' has no model yet");
        }

        var (json, tooLarge) = await ReadBodyAsync(context, options).ConfigureAwait(false);
        if (json is null)
        {
            return tooLarge!;
        }

        List<Dictionary<string, JsonElement>?>? rows;
        try
        {
            rows = JsonSerializer.Deserialize<PredictRequest>(json, JsonSerializerOptions.Web)?.Rows;
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, $"invalid JSON: {e.Message}");
        }

        if (rows is not { Count: > 0 })
        {
            return Error(StatusCodes.Status400BadRequest, "the body must be {\"rows\": [{\"column\": value, ...}, ...]} with at least one row");
        }

        var records = new List<IReadOnlyDictionary<string, string?>>(rows.Count);
        foreach (var row in rows)
        {
            records.Add(row?.ToDictionary(p => p.Key, p => FieldText(p.Value), StringComparer.Ordinal)!);
        }

        TabularData encoded;
        try
        {
            var table = TableReader.ReadRecords(records, model.Schema, "the request body");
            if (table.Rows != records.Count)
            {
                return Error(StatusCodes.Status400BadRequest, $"{records.Count - table.Rows} rows have missing values the schema's policy drops; give every feature");
            }

            encoded = model.Encode(table);
        }
        catch (DataFormatException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }

        var spec = model.Spec;
        var outputs = new float[encoded.Rows * spec.Outputs];
        new DenseNetwork(spec).Predict(model.Parameters, encoded.Features, encoded.Rows, outputs);
        var predictions = new double[encoded.Rows];
        var rowOutputs = new float[encoded.Rows][];
        for (var r = 0; r < encoded.Rows; r++)
        {
            rowOutputs[r] = outputs.AsSpan(r * spec.Outputs, spec.Outputs).ToArray();
            predictions[r] = ModelOutputs.Predict(spec, rowOutputs[r]);
        }

        return Results.Json(new PredictResponse(predictions, rowOutputs), JsonOptions);
    }

    /// <summary>
    /// Noisy counts and category histograms of the run's merged statistics (docs/privacy.md, Released statistics),
    /// charged to the run's statistics budget: 409 with spent and remaining when the budget cannot pay, and nothing released.
    /// </summary>
    private static async Task<IResult> ReleaseStatisticsAsync(string id, HttpContext context, StatisticsReleaser releaser, IOptions<CoordinatorOptions> options)
    {
        var (json, tooLarge) = await ReadBodyAsync(context, options).ConfigureAwait(false);
        if (json is null)
        {
            return tooLarge!;
        }

        var (request, invalid) = ReleaseRequest.Parse(json);
        if (request is null)
        {
            return Error(StatusCodes.Status400BadRequest, invalid!);
        }

        var (released, budget) = await releaser.ReleaseAsync(id, request, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new ReleaseResponse(id, released, budget), JsonOptions);
    }

    private static async Task<IResult> ReleasePopularItemsAsync(string id, HttpContext context, PopularItemsReleaser releaser, IOptions<CoordinatorOptions> options)
    {
        var (query, refusal) = await ReadRequestAsync<PopularItemsQuery>(
            context, options, "popular-items request", "{\"epsilon\": 0.5, \"delta\": 1e-6, \"maxItemsPerUser\": 50, \"top\": 10}").ConfigureAwait(false);
        if (query is null)
        {
            return refusal!;
        }

        var (release, budget) = await releaser.ReleaseAsync(id, query, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new PopularItemsResponse(id, release, budget), JsonOptions);
    }

    private static async Task<IResult> TrainCodebookAsync(HttpContext context, Vectors.CodebookTraining training, IOptions<CoordinatorOptions> options)
    {
        var (request, refusal) = await ReadRequestAsync<Vectors.CodebookRequest>(
            context, options, "codebook request", "{\"collection\": \"images\", \"dimension\": 784, \"kind\": \"ivfpq\", \"lists\": 64, \"m\": 16, \"iterations\": 10, \"minCount\": 5}").ConfigureAwait(false);
        return request is null ? refusal! : Results.Json(await training.TrainAsync(request, context.RequestAborted).ConfigureAwait(false), JsonOptions);
    }

    private static async Task<IResult> DeployEncoderAsync(HttpContext context, Vectors.EncoderDeployment deployment, IOptions<CoordinatorOptions> options)
    {
        var (request, refusal) = await ReadRequestAsync<Vectors.EncoderRequest>(
            context, options, "encoder deployment", "{\"collection\": \"images\", \"run\": \"RUN_ID\"}").ConfigureAwait(false);
        return request is null ? refusal! : Results.Json(await deployment.DeployAsync(request, context.RequestAborted).ConfigureAwait(false), JsonOptions);
    }

    // The control API's caller is the operator (the admin token); parties rate-limit and audit queries by that name.
    private static async Task<IResult> SearchVectorsAsync(HttpContext context, Vectors.VectorSearchService search, IOptions<CoordinatorOptions> options)
    {
        var (request, refusal) = await ReadRequestAsync<Vectors.FederatedSearchRequest>(
            context, options, "vector search", "{\"collection\": \"images\", \"vector\": [0.1, ...], \"k\": 10, \"filter\": {...}, \"deadlineSeconds\": 5}").ConfigureAwait(false);
        return request is null ? refusal! : Results.Json(await search.SearchAsync(request, "operator", context.RequestAborted).ConfigureAwait(false), JsonOptions);
    }

    // A JSON body of T, or the answer refusing it: 413 over the size limit, 400 when it is not a T (naming what and
    // showing an example).
    private static async Task<(T? Request, IResult? Refusal)> ReadRequestAsync<T>(HttpContext context, IOptions<CoordinatorOptions> options, string what, string example)
        where T : class
    {
        var (json, tooLarge) = await ReadBodyAsync(context, options).ConfigureAwait(false);
        if (json is null)
        {
            return (null, tooLarge);
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, JsonOptions) is { } request
                ? (request, null)
                : (null, Error(StatusCodes.Status400BadRequest, $"the body must be a {what}: {example}"));
        }
        catch (JsonException e)
        {
            return (null, Error(StatusCodes.Status400BadRequest, $"invalid {what}: {e.Message} (expected {example})"));
        }
    }

    // A JSON value as the text a table file would hold: numbers verbatim, strings unquoted, null = missing.
    private static string? FieldText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null => null,
        _ => value.GetRawText(),
    };

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

    // The body as text, or the 413 refusing it when it exceeds MaxControlBodyBytes.
    private static async Task<(string? Json, IResult? TooLarge)> ReadBodyAsync(HttpContext context, IOptions<CoordinatorOptions> options)
    {
        var limit = options.Value.MaxControlBodyBytes;
        return await ReadTextAsync(context, limit).ConfigureAwait(false) is { } json
            ? (json, null)
            : (null, Error(StatusCodes.Status413PayloadTooLarge, $"the body exceeds {limit} bytes"));
    }

    private static async Task<string?> ReadTextAsync(HttpContext context, long maxBytes)
    {
        using var body = await PooledBody.ReadAsync(context.Request, maxBytes, context.RequestAborted).ConfigureAwait(false);
        return body is null ? null : Encoding.UTF8.GetString(body.Memory.Span);
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorResponse(message), JsonOptions, statusCode: status);

    private sealed record StatusResponse(string Federation, IReadOnlyList<PartyStatus> Parties, RunSummary? CurrentRun);

    private sealed record StartRunResponse(string Id);

    /// <param name="Parties">Per connected party, in id order: its collections, or why it gave none.</param>
    private sealed record CollectionsResponse(IReadOnlyList<Vectors.PartyCollections> Parties);

    /// <param name="Schema">The merged schema, to give every party.</param>
    /// <param name="Parties">The parties whose schemas were merged, by id.</param>
    private sealed record MergedSchemaResponse(JsonElement Schema, IReadOnlyList<string> Parties);

    /// <param name="ServerTime">The coordinator's clock when it answered, so a client can say "last seen 3 s ago" without trusting its own clock.</param>
    /// <param name="Parties">Every party seen since the coordinator started, online or not.</param>
    private sealed record PartiesResponse(DateTimeOffset ServerTime, IReadOnlyList<PartyView> Parties);

    private sealed record PredictRequest(List<Dictionary<string, JsonElement>?>? Rows);

    /// <param name="Predictions">Per row: the predicted class index, or the predicted value for regression.</param>
    /// <param name="Outputs">Per row: the model's outputs (probability of class 1; class probabilities; the value).</param>
    private sealed record PredictResponse(double[] Predictions, float[][] Outputs);

    private sealed record ErrorResponse(string Error);

    private sealed record ScoreRequest(List<string?>? Ids);

    /// <param name="Predictions">Per ID: the probability of class 1 (the value for a linear model), or null where a party does not hold the ID.</param>
    private sealed record ScoreResponse(double?[] Predictions);

    private sealed record ReleaseResponse(string Run, ReleasedStatistics Release, StatisticsBudget Budget);

    private sealed record PopularItemsResponse(string Run, PopularItemsRelease Release, StatisticsBudget Budget);
}
