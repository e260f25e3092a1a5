using System.Text.Json;
using System.Text.Json.Serialization;

namespace Causeway.Vectors;

/// <summary>
/// What a party lets leave when a federated query searches one of its collections, set by the party for itself in the
/// collection's <c>disclosure.json</c>. Every field has a cautious default; a party loosens what it wants to share.
/// </summary>
/// <param name="Distances">Release each hit's distance (with <see cref="DistanceNoise"/>). Default true: without distances the coordinator cannot merge hits across parties by closeness.</param>
/// <param name="PayloadFields">Top-level payload fields released with a hit. Default none: only ids leave.</param>
/// <param name="MinAnswer">Answer only when at least this many records match (a filtered query that narrows to one record tells the querier about that record); fewer answer nothing. Default 1.</param>
/// <param name="DistanceNoise">The standard deviation of Gaussian noise added to each released distance, in distance units, ≥ 0. Default 0.</param>
/// <param name="QueriesPerMinute">Queries one querier may make of this collection per minute, ≥ 1. Default 60.</param>
public sealed record DisclosurePolicy(
    bool Distances = true, IReadOnlyList<string>? PayloadFields = null, int MinAnswer = 1, double DistanceNoise = 0, int QueriesPerMinute = 60)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>The file beside a collection that holds its policy.</summary>
    public const string FileName = "disclosure.json";

    public IReadOnlyList<string> PayloadFields { get; init; } = PayloadFields ?? [];

    /// <summary>Why the policy is invalid, naming the field; null when it is valid.</summary>
    public string? DescribeProblem() =>
        MinAnswer < 1 ? $"minAnswer must be at least 1, got {MinAnswer}"
        : !(DistanceNoise >= 0 && double.IsFinite(DistanceNoise)) ? $"distanceNoise must be a non-negative number, got {DistanceNoise}"
        : QueriesPerMinute < 1 ? $"queriesPerMinute must be at least 1, got {QueriesPerMinute}"
        : PayloadFields.Any(string.IsNullOrEmpty) ? "payloadFields must name fields"
        : null;

    /// <summary>The policy of the collection in <paramref name="folder"/>: its file, or the defaults when it has none.</summary>
    /// <exception cref="IOException">The file is not a valid policy (the message names it and the field).</exception>
    public static DisclosurePolicy Of(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return new DisclosurePolicy();
        }

        DisclosurePolicy? policy;
        try
        {
            policy = JsonSerializer.Deserialize<DisclosurePolicy>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new IOException($"{path} is not a disclosure policy: {e.Message}", e);
        }

        return policy is null ? throw new IOException($"{path} is empty")
            : policy.DescribeProblem() is { } problem ? throw new IOException($"{path}: {problem}")
            : policy;
    }

    /// <summary>Writes this policy beside the collection in <paramref name="folder"/>.</summary>
    public void WriteTo(string folder)
    {
        if (DescribeProblem() is { } problem)
        {
            throw new ArgumentException(problem);
        }

        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json));
    }
}
