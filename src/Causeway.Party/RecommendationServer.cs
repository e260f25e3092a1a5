using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Causeway.Party;

/// <summary>
/// The party's own recommendation endpoint (plain HTTP, for the device or shop itself, on a loopback address): top-K
/// lists and fold-in are computed here, where the users' vectors are; nothing is asked of the coordinator.
/// </summary>
/// <remarks>
/// <para><c>GET /recommendations/{user}?k=10</c>: 200 <c>{"user", "items": [{"item", "score"}]}</c>, best first, items the
/// user rated excluded; 404 for a user not held here; 409 before the first round brought an item model.</para>
/// <para><c>PUT /users/{user}/ratings</c> with <c>{"ratings": [{"item", "rating"}]}</c>: folds a new user in (their vector
/// is fitted against the latest item model and kept in this process); 204, or 400 naming the problem.</para>
/// Only loopback addresses are accepted: the endpoint has no authentication, and a user's list says what they rated.
/// </remarks>
public sealed class RecommendationServer : IAsyncDisposable
{
    private const int MaxK = 1000;
    private readonly WebApplication _app;

    private RecommendationServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The address the endpoint listens on (http://127.0.0.1:PORT/).</summary>
    public Uri Address { get; }

    /// <summary>Starts the endpoint over <paramref name="handlers"/> (a virtual user's each, or one shop's); new users fold into the first.</summary>
    /// <param name="endpoint">A loopback address; port 0 picks a free one.</param>
    /// <param name="handlers">The ratings parties this process serves.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="ArgumentException">The address is not loopback, or there is no handler.</exception>
    public static async Task<RecommendationServer> StartAsync(IPEndPoint endpoint, IReadOnlyList<RatingsHandler> handlers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(handlers);
        if (!IPAddress.IsLoopback(endpoint.Address))
        {
            throw new ArgumentException($"The recommendation endpoint listens on loopback addresses only (it has no authentication); got {endpoint.Address}.", nameof(endpoint));
        }

        if (handlers.Count == 0)
        {
            throw new ArgumentException("The recommendation endpoint needs at least one ratings party.", nameof(handlers));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint));
        var app = builder.Build();
        app.MapGet("/recommendations/{user}", (string user, int? k) => Recommend(handlers, user, k ?? 10));
        app.MapPut("/users/{user}/ratings", (string user, FoldInRequest request) => FoldIn(handlers[0], user, request));
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = new Uri(app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/') + "/");
        return new RecommendationServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static IResult Recommend(IReadOnlyList<RatingsHandler> handlers, string user, int k)
    {
        if (k is < 1 or > MaxK)
        {
            return Results.Problem($"k must be from 1 to {MaxK}, got {k}", statusCode: StatusCodes.Status400BadRequest);
        }

        RecommendationAnswer? last = null;
        foreach (var handler in handlers)
        {
            last = handler.Recommend(user, k);
            if (last.Problem is not RecommendationProblem.UnknownUser)
            {
                break;
            }
        }

        return last!.Problem switch
        {
            null => Results.Ok(new RecommendationsResponse(user, [.. last.Items!.Select(i => new ItemScore(i.Item, i.Score))])),
            RecommendationProblem.UnknownUser => Results.Problem(last.Reason, statusCode: StatusCodes.Status404NotFound),
            _ => Results.Problem(last.Reason, statusCode: StatusCodes.Status409Conflict),
        };
    }

    private static IResult FoldIn(RatingsHandler handler, string user, FoldInRequest request)
    {
        if (request.Ratings is not { Count: > 0 } ratings)
        {
            return Results.Problem("the body must list at least one rating: {\"ratings\": [{\"item\": \"...\", \"rating\": 4}]}", statusCode: StatusCodes.Status400BadRequest);
        }

        var problem = handler.FoldIn(user, [.. ratings.Select(r => (r.Item ?? string.Empty, r.Rating))]);
        return problem is null ? Results.NoContent() : Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
    }

    /// <summary>The body of <c>GET /recommendations/{user}</c>.</summary>
    public sealed record RecommendationsResponse([property: JsonPropertyName("user")] string User, [property: JsonPropertyName("items")] IReadOnlyList<ItemScore> Items);

    /// <summary>One item of a list.</summary>
    public sealed record ItemScore([property: JsonPropertyName("item")] string Item, [property: JsonPropertyName("score")] float Score);

    /// <summary>The body of <c>PUT /users/{user}/ratings</c>.</summary>
    public sealed record FoldInRequest([property: JsonPropertyName("ratings")] IReadOnlyList<ItemRating>? Ratings);

    /// <summary>One rating of a new user.</summary>
    public sealed record ItemRating([property: JsonPropertyName("item")] string? Item, [property: JsonPropertyName("rating")] float Rating);
}
