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
/// <para><c>GET /popular?epsilon=0.5&amp;delta=1e-7&amp;top=10&amp;maxItemsPerUser=50</c>: the most rated items of the users
/// this process holds, released with (ε, δ) user-level differential privacy for publishing beyond the party (each user
/// counts at most L items; Gaussian noise σ = √L·√(2 ln(1.25/δ))/ε on every count), charged first to the party's
/// <see cref="ReleaseLedger"/>; 409 when the ledger cannot pay, or when the party runs without one.</para>
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
    /// <param name="ledger">The party's budget for results that leave it (<c>GET /popular</c>); null refuses such releases.</param>
    public static async Task<RecommendationServer> StartAsync(
        IPEndPoint endpoint, IReadOnlyList<RatingsHandler> handlers, CancellationToken cancellationToken, ReleaseLedger? ledger = null)
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
        app.MapGet("/popular", (double? epsilon, double? delta, int? top, int? maxItemsPerUser) =>
            Popular(handlers, ledger, epsilon, delta ?? 1e-7, top ?? 10, maxItemsPerUser ?? 50));
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

    // The users' clipped counts over every party of this process (disjoint users, so one user still changes at most L
    // counts by 1), one Gaussian noise draw per item, charged to the ledger before anything is computed.
    private static IResult Popular(IReadOnlyList<RatingsHandler> handlers, ReleaseLedger? ledger, double? epsilon, double delta, int top, int maxItemsPerUser)
    {
        if (ledger is null)
        {
            return Results.Problem(
                "this party releases no results beyond itself: start it with --release-ledger FILE (and --release-epsilon-budget) to allow differentially private releases",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (epsilon is not (> 0 and < 1) || delta is not (> 0 and < 1) || top is < 1 or > MaxK || maxItemsPerUser < 1)
        {
            return Results.Problem(
                $"epsilon must be in (0, 1) (required), delta in (0, 1), top from 1 to {MaxK} and maxItemsPerUser at least 1; got epsilon {epsilon}, delta {delta}, top {top}, maxItemsPerUser {maxItemsPerUser}",
                statusCode: StatusCodes.Status400BadRequest);
        }

        var what = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"popular items: top {top}, at most {maxItemsPerUser} items per user");
        if (!ledger.TryCharge(epsilon.Value, delta, what, DateTimeOffset.UtcNow))
        {
            return Results.Problem(
                string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"the party's release budget cannot pay for epsilon {epsilon:G6}, delta {delta:G6}: spent {ledger.EpsilonSpent:G6} of {ledger.EpsilonBudget:G6}, delta {ledger.DeltaSpent:G6} of {ledger.DeltaBudget:G6}; nothing was computed"),
                statusCode: StatusCodes.Status409Conflict);
        }

        var sigma = Federation.Recommendation.Popularity.PopularItems.NoiseFor(epsilon.Value, delta, maxItemsPerUser);
        using var noise = Privacy.Mechanisms.NoiseSource.Create();
        var counts = new double[handlers[0].ItemIds.Count];
        foreach (var handler in handlers)
        {
            System.Numerics.Tensors.TensorPrimitives.Add(counts, handler.ClippedItemCounts(maxItemsPerUser, noise), counts);
        }

        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] += sigma * noise.NextStandardNormal();
        }

        var items = Federation.Recommendation.Popularity.PopularItems.Top(counts, top);
        return Results.Ok(new PopularResponse(
            [.. items.Select(i => new PopularItem(handlers[0].ItemIds[i.Item], i.Count))],
            sigma,
            epsilon.Value,
            delta,
            maxItemsPerUser,
            new ReleaseBudget(ledger.EpsilonSpent, ledger.EpsilonBudget, ledger.DeltaSpent, ledger.DeltaBudget)));
    }

    /// <summary>The body of <c>GET /recommendations/{user}</c>.</summary>
    public sealed record RecommendationsResponse([property: JsonPropertyName("user")] string User, [property: JsonPropertyName("items")] IReadOnlyList<ItemScore> Items);

    /// <summary>One item of a list.</summary>
    public sealed record ItemScore([property: JsonPropertyName("item")] string Item, [property: JsonPropertyName("score")] float Score);

    /// <summary>The body of <c>PUT /users/{user}/ratings</c>.</summary>
    public sealed record FoldInRequest([property: JsonPropertyName("ratings")] IReadOnlyList<ItemRating>? Ratings);

    /// <summary>The body of <c>GET /popular</c>: the noisy top items, the noise, the release's cost and the budget after it.</summary>
    public sealed record PopularResponse(
        [property: JsonPropertyName("items")] IReadOnlyList<PopularItem> Items,
        [property: JsonPropertyName("noiseStandardDeviation")] double NoiseStandardDeviation,
        [property: JsonPropertyName("epsilon")] double Epsilon,
        [property: JsonPropertyName("delta")] double Delta,
        [property: JsonPropertyName("maxItemsPerUser")] int MaxItemsPerUser,
        [property: JsonPropertyName("budget")] ReleaseBudget Budget);

    /// <summary>One released item with its noisy count.</summary>
    public sealed record PopularItem([property: JsonPropertyName("item")] string Item, [property: JsonPropertyName("noisyCount")] double NoisyCount);

    /// <summary>The party's release budget after a release.</summary>
    public sealed record ReleaseBudget(
        [property: JsonPropertyName("epsilonSpent")] double EpsilonSpent,
        [property: JsonPropertyName("epsilonBudget")] double EpsilonBudget,
        [property: JsonPropertyName("deltaSpent")] double DeltaSpent,
        [property: JsonPropertyName("deltaBudget")] double DeltaBudget);

    /// <summary>One rating of a new user.</summary>
    public sealed record ItemRating([property: JsonPropertyName("item")] string? Item, [property: JsonPropertyName("rating")] float Rating);
}
