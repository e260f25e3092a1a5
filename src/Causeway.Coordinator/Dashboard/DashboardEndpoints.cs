using System.Collections.Frozen;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Causeway.Coordinator.Dashboard;

/// <summary>
/// The dashboard: three static files under <c>/dashboard</c> (embedded in this assembly, no build step and no internet:
/// plain HTML, CSS and JavaScript, charts drawn as SVG), and the change feed they follow, <c>GET /api/events</c>.
/// </summary>
/// <remarks>
/// The files hold no data and need no token; the page asks for the admin token and sends it as a bearer token to the
/// control API, the same as <c>causeway run status</c> does, so the dashboard can show nothing the API would not. The
/// token stays in the tab's session storage. The page is served with a content security policy that allows only its
/// own script and style and connections back to this coordinator.
/// </remarks>
internal static class DashboardEndpoints
{
    /// <summary>How long the change feed stays silent before it sends a keep-alive comment.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>The least time between two messages of the change feed, so a burst (a vertical job's steps) is one message per topic and id.</summary>
    public static readonly TimeSpan Coalescing = TimeSpan.FromMilliseconds(200);

    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (byte[] Content, string ContentType)> Files = new Dictionary<string, (byte[], string)>
    {
        ["/dashboard"] = (Embedded("index.html"), "text/html; charset=utf-8"),
        ["/dashboard/app.js"] = (Embedded("app.js"), "text/javascript; charset=utf-8"),
        ["/dashboard/app.css"] = (Embedded("app.css"), "text/css; charset=utf-8"),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static void MapFiles(IEndpointRouteBuilder endpoints)
    {
        foreach (var (path, file) in Files)
        {
            endpoints.MapGet(path, (HttpContext context) => Serve(context, file.Content, file.ContentType)).ExcludeFromDescription();
        }
    }

    /// <summary>
    /// <c>GET /api/events</c> (admin token): a server-sent event stream. First <c>event: ready</c> (read the state
    /// now: every later change is sent), then one <c>event: change</c> per changed thing, with data
    /// <c>{"topic": "parties"|"runs"|"vertical", "id": "..."}</c>, and a <c>: keep-alive</c> comment when quiet. The
    /// stream ends when the client goes or the coordinator stops.
    /// </summary>
    public static async Task StreamChangesAsync(HttpContext context, CoordinatorEvents events, IHostApplicationLifetime lifetime)
    {
        // Watch before saying "ready", so nothing that changes after the client's first read is missed.
        using var watcher = events.Watch();
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-store";

        // A stopping host ends the stream at once: otherwise an open dashboard holds the shutdown for Kestrel's timeout.
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var stopping = stream.Token;
        try
        {
            await WriteAsync(response, "event: ready\ndata: {}\n\n", stopping).ConfigureAwait(false);
            while (!stopping.IsCancellationRequested)
            {
                var changes = await watcher.NextAsync(KeepAlive, stopping).ConfigureAwait(false);
                if (changes.Count == 0)
                {
                    await WriteAsync(response, ": keep-alive\n\n", stopping).ConfigureAwait(false);
                    continue;
                }

                var text = new StringBuilder();
                foreach (var change in changes)
                {
                    text.Append("event: change\ndata: ")
                        .Append(JsonSerializer.Serialize(new { topic = change.Topic.ToString().ToLowerInvariant(), id = change.Id }))
                        .Append("\n\n");
                }

                await WriteAsync(response, text.ToString(), stopping).ConfigureAwait(false);

                // At most one message per Coalescing period: a burst of steps becomes one notice per thing.
                await Task.Delay(Coalescing, stopping).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The browser closed the page or the coordinator is stopping.
        }
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static IResult Serve(HttpContext context, byte[] content, string contentType)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-cache";
        headers["Referrer-Policy"] = "no-referrer";
        return Results.Bytes(content, contentType);
    }

    private static byte[] Embedded(string name)
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream($"Causeway.Coordinator.Dashboard.{name}")
            ?? throw new InvalidOperationException($"the dashboard file '{name}' is not embedded in the coordinator assembly");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
