using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Causeway.Protocol.Security;

namespace Causeway.Cli.Composition;

/// <summary>A client of the coordinator's JSON control API (<c>/api/...</c>), trusting only the federation CA.</summary>
/// <remarks>
/// Failures name the coordinator and the cause: <see cref="HttpRequestException"/> for an unreachable coordinator
/// (<see cref="HttpRequestException.HttpRequestError"/> kept) or a refusal (<see cref="HttpRequestException.StatusCode"/>
/// set; 401 is a wrong admin token), <see cref="AuthenticationException"/> for an untrusted certificate and
/// <see cref="TimeoutException"/> when it does not answer within 30 s.
/// </remarks>
internal sealed class ControlApiClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;
    private readonly CoordinatorCertificateCheck _certificateCheck;
    private readonly Uri _coordinator;

    public ControlApiClient(Uri coordinator, string adminToken, X509Certificate2? authority)
    {
        _coordinator = coordinator;
        _certificateCheck = new CoordinatorCertificateCheck(authority);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = _certificateCheck.Validate;
        _http = new HttpClient(handler)
        {
            BaseAddress = coordinator,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            Timeout = Timeout,
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
    }

    public Task<JsonNode> StatusAsync(CancellationToken cancellationToken) => GetAsync("/api/status", cancellationToken);

    public Task<JsonNode> RunAsync(string runId, CancellationToken cancellationToken) => GetAsync($"/api/runs/{Uri.EscapeDataString(runId)}", cancellationToken);

    public Task<JsonNode> RunsAsync(CancellationToken cancellationToken) => GetAsync("/api/runs", cancellationToken);

    /// <summary>The union of the connected parties' schemas (<c>GET /api/schemas/merged</c>): <c>{schema, parties}</c>.</summary>
    public Task<JsonNode> MergedSchemaAsync(CancellationToken cancellationToken) => GetAsync("/api/schemas/merged", cancellationToken);

    /// <summary>Starts a run; returns its id.</summary>
    public Task<string> StartRunAsync(string configJson, CancellationToken cancellationToken) => StartAsync("/api/runs", configJson, cancellationToken);

    /// <summary>Stops a run (<c>POST /api/runs/{id}/stop</c>); returns the run's summary after the stop.</summary>
    public async Task<JsonNode> StopRunAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/runs/{Uri.EscapeDataString(runId)}/stop", null, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>
    /// Keeps figures of a model trained elsewhere beside the run (<c>PUT /api/runs/{id}/reference</c>), which the
    /// dashboard draws as reference lines: metrics named as the rounds' ("eval_accuracy", ...).
    /// </summary>
    public async Task SetReferenceAsync(string runId, string label, IReadOnlyDictionary<string, double> metrics, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["label"] = label, ["metrics"] = new JsonObject([.. metrics.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)m.Value))]) };
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Put, $"/api/runs/{Uri.EscapeDataString(runId)}/reference", content, cancellationToken);
        await ReadAsync(response, cancellationToken);
    }

    /// <summary>Resumes a stopped, failed or interrupted run from its last closed round (<c>POST /api/runs/{id}/resume</c>); returns its id.</summary>
    public async Task<string> ResumeRunAsync(string runId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/runs/{Uri.EscapeDataString(runId)}/resume", null, cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        return body["id"]?.GetValue<string>() ?? throw new InvalidOperationException($"The coordinator answered without an id: {body.ToJsonString()}");
    }

    /// <summary>Starts a vertical job (<c>POST /api/vertical/jobs</c>); returns its id.</summary>
    public Task<string> StartVerticalJobAsync(string jobJson, CancellationToken cancellationToken) => StartAsync("/api/vertical/jobs", jobJson, cancellationToken);

    /// <summary>A vertical job's state, progress and (when completed) result.</summary>
    public Task<JsonNode> VerticalJobAsync(string jobId, CancellationToken cancellationToken) => GetAsync($"/api/vertical/jobs/{Uri.EscapeDataString(jobId)}", cancellationToken);

    /// <summary>
    /// Polls a vertical job until it is no longer running and returns its last status (<c>state</c> completed or failed,
    /// <c>result</c> or <c>error</c>); <paramref name="onStatus"/> sees every status polled, the last one included.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="interval">The wait between polls.</param>
    /// <param name="onStatus">Called with each status (e.g. to move a progress bar or check the parties' processes); may throw to stop waiting.</param>
    /// <param name="cancellationToken">Stops the polling (the job itself keeps running at the coordinator).</param>
    public async Task<JsonNode> WaitForVerticalJobAsync(string jobId, TimeSpan interval, Action<JsonNode> onStatus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onStatus);
        while (true)
        {
            var status = await VerticalJobAsync(jobId, cancellationToken);
            onStatus(status);
            if (status["state"]?.GetValue<string>() != "running")
            {
                return status;
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    /// <summary>Releases a recommendation run's popular items with differential privacy (<c>POST /api/runs/{id}/popular-items</c>).</summary>
    public async Task<JsonNode> ReleasePopularItemsAsync(string runId, string requestJson, CancellationToken cancellationToken)
    {
        using var content = new StringContent(requestJson, Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, $"/api/runs/{Uri.EscapeDataString(runId)}/popular-items", content, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>Releases the run's statistics with differential privacy (<c>POST /api/runs/{id}/statistics/release</c>); returns the release and the budget.</summary>
    public async Task<JsonNode> ReleaseStatisticsAsync(string runId, string requestJson, CancellationToken cancellationToken)
    {
        using var content = new StringContent(requestJson, Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, $"/api/runs/{Uri.EscapeDataString(runId)}/statistics/release", content, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>A federated vector query (<c>POST /api/vectors/search</c>): the merged top-k and every party's status.</summary>
    public async Task<JsonNode> SearchVectorsAsync(string requestJson, CancellationToken cancellationToken)
    {
        using var content = new StringContent(requestJson, Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, "/api/vectors/search", content, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>Deploys a run's model as a collection's encoder at every party (<c>POST /api/vectors/encoder</c>): each party's status.</summary>
    public async Task<JsonNode> DeployEncoderAsync(string collection, string runId, CancellationToken cancellationToken)
    {
        using var content = new StringContent(new JsonObject { ["collection"] = collection, ["run"] = runId }.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, "/api/vectors/encoder", content, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    /// <summary>Downloads the run's global model file (.cw).</summary>
    public async Task DownloadModelAsync(string runId, string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/runs/{Uri.EscapeDataString(runId)}/model", null, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            await ReadAsync(response, cancellationToken);
        }

        await using var file = File.Create(path);
        await response.Content.CopyToAsync(file, cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    // The control API answers errors as {"error": "..."}; anything else is shown as it came.
    private static string ErrorOf(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["error"]?.GetValue<string>() ?? body;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return body;
        }
    }

    private async Task<string> StartAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await SendAsync(HttpMethod.Post, path, content, cancellationToken);
        var body = await ReadAsync(response, cancellationToken);
        return body["id"]?.GetValue<string>() ?? throw new InvalidOperationException($"The coordinator answered without an id: {body.ToJsonString()}");
    }

    private async Task<JsonNode> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await ReadAsync(response, cancellationToken);
    }

    // Sends a request; network and TLS failures become exceptions that say which coordinator and why.
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        try
        {
            return await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError && _certificateCheck.LastRefusal is { } refusal)
        {
            throw new AuthenticationException($"the coordinator at {_coordinator} is not trusted: {refusal}", e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            throw new HttpRequestException(e.HttpRequestError, $"cannot reach the coordinator at {_coordinator} ({Innermost(e).Message.TrimEnd('.')})", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the coordinator at {_coordinator} did not answer within {Timeout.TotalSeconds:F0} s", e);
        }
    }

    private async Task<JsonNode> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var reason = ErrorOf(text);
            var message = response.StatusCode == HttpStatusCode.Unauthorized
                ? $"the coordinator at {_coordinator} refused the admin token ({reason})"
                : $"the coordinator at {_coordinator} answered {(int)response.StatusCode} {response.ReasonPhrase}: {reason}";
            throw new HttpRequestException(HttpRequestError.Unknown, message, null, response.StatusCode);
        }

        try
        {
            return JsonNode.Parse(text) ?? new JsonObject();
        }
        catch (JsonException e)
        {
            throw new HttpRequestException($"The coordinator answered with something that is not JSON: {e.Message}", e);
        }
    }
}
