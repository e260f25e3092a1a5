using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Causeway.Federation.Horizontal;

namespace Causeway.Federation.Recommendation.Network;

/// <summary>
/// What every party of a recommendation run over the network works with, fixed when the run starts: the model (with
/// μ and the rating scale agreed from the parties' <see cref="RatingsDescription"/>s), the local plan, and the run seed
/// the users' initial vectors derive from. The coordinator stores it and sends it with every task, as a
/// horizontal run's <see cref="RunSetup"/>.
/// </summary>
/// <param name="Spec">The model.</param>
/// <param name="Plan">The local plan, its update (delta or gradient) already set from the aggregation mode.</param>
/// <param name="Seed">The run seed.</param>
/// <param name="Catalogue">The catalogue digest every party must hold (<see cref="RatingsDescription.Catalogue"/>).</param>
public sealed record RecommendationSetup(RecommenderSpec Spec, RecommendationPlan Plan, ulong Seed, string Catalogue)
{
    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    /// <summary>
    /// Checks that every party holds the same catalogue and agrees μ (Σ rating sums / Σ rating counts) and the rating
    /// scale (the lowest and highest rating any party holds).
    /// </summary>
    /// <param name="parties">The parties the run starts with and their descriptions.</param>
    /// <param name="spec">The model as configured; its items, μ and scale are set here.</param>
    /// <param name="plan">The plan as configured.</param>
    /// <param name="seed">The run seed.</param>
    /// <exception cref="InvalidOperationException">No party, a party without ratings, or catalogues that differ; the message names the party.</exception>
    public static RecommendationSetup Agree(IReadOnlyList<(PartyId Party, RatingsDescription? Ratings)> parties, RecommenderSpec spec, RecommendationPlan plan, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        if (parties.Count == 0)
        {
            throw new InvalidOperationException("No ratings party is connected.");
        }

        var (firstParty, first) = parties[0];
        var reference = first ?? throw NoRatings(firstParty);
        double sum = 0;
        long count = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var (party, ratings) in parties)
        {
            var description = ratings ?? throw NoRatings(party);
            if (description.Items != reference.Items || !string.Equals(description.Catalogue, reference.Catalogue, StringComparison.Ordinal))
            {
                throw new InvalidOperationException(
                    $"Party '{party}' holds another item catalogue ({description.Items} items) than party '{firstParty}' ({reference.Items} items); every party of a run must read the federation's catalogue.");
            }

            sum += description.RatingSum;
            count += description.Ratings;
            if (description.Ratings > 0)
            {
                min = Math.Min(min, description.MinRating);
                max = Math.Max(max, description.MaxRating);
            }
        }

        if (count == 0)
        {
            throw new InvalidOperationException("The connected ratings parties hold no training ratings.");
        }

        var agreed = spec with { Items = reference.Items, GlobalMean = (float)(sum / count), MinRating = min, MaxRating = max };
        agreed.Validate();
        plan.Validate();
        return new RecommendationSetup(agreed, plan, seed, reference.Catalogue);
    }

    /// <summary>Why a party that describes its ratings so cannot take part in this run, or null when it can.</summary>
    public string? DescribeMisfit(RatingsDescription? ratings)
    {
        if (ratings is null)
        {
            return "it serves no ratings (start it with --ratings FILE)";
        }

        return ratings.Items == Spec.Items && string.Equals(ratings.Catalogue, Catalogue, StringComparison.Ordinal)
            ? null
            : $"it holds another item catalogue ({ratings.Items} items) than the run's ({Spec.Items} items)";
    }

    /// <summary>The setup as JSON: one object with a <c>"recommendation"</c> member, so a stored setup tells its kind.</summary>
    public string ToJson() => new JsonObject { ["recommendation"] = JsonSerializer.SerializeToNode(this, JsonOptions) }.ToJsonString();

    /// <summary>True when <paramref name="json"/> is a recommendation setup (see <see cref="ToJson"/>) rather than a horizontal one.</summary>
    public static bool IsRecommendation(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            return JsonNode.Parse(json) is JsonObject root && root.ContainsKey("recommendation");
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <exception cref="InvalidDataException">The text is not a recommendation setup; the message names <paramref name="sourceName"/>.</exception>
    public static RecommendationSetup Parse(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var node = (JsonNode.Parse(json) as JsonObject)?["recommendation"]
                ?? throw new InvalidDataException($"{sourceName}: not a recommendation setup (no 'recommendation' member).");
            var setup = node.Deserialize<RecommendationSetup>(JsonOptions) ?? throw new InvalidDataException($"{sourceName}: the recommendation setup is null.");
            setup.Spec.Validate();
            setup.Plan.Validate();
            return setup;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"{sourceName}: not a valid recommendation setup: {e.Message}", e);
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    private static InvalidOperationException NoRatings(PartyId party) =>
        new($"Party '{party}' serves no ratings; start it with `causeway party --ratings FILE` to take part in a recommendation run.");
}
