using System.Text.Json.Nodes;

namespace Causeway.Vectors;

/// <summary>One record of a collection: its id, its vector and an optional JSON object of payload fields.</summary>
/// <param name="Id">1 to 256 characters, unique in the collection; an upsert with an existing id replaces the record.</param>
/// <param name="Vector">The collection's dimension of finite values.</param>
/// <param name="Payload">Fields a search can filter on and a hit can return; null for none.</param>
public sealed record VectorRecord(string Id, float[] Vector, JsonObject? Payload = null)
{
    /// <summary>The longest id, in characters.</summary>
    public const int MaxIdLength = 256;

    /// <summary>Why this record cannot enter a collection of <paramref name="spec"/>, naming the record, or null.</summary>
    public string? DescribeProblem(CollectionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrEmpty(Id) || Id.Length > MaxIdLength)
        {
            return $"record id '{Id}' must be 1 to {MaxIdLength} characters";
        }

        if (Vector is null || Vector.Length != spec.Dimension)
        {
            return $"record '{Id}': the vector has {Vector?.Length ?? 0} values; collection '{spec.Name}' has dimension {spec.Dimension}";
        }

        var bad = Array.FindIndex(Vector, v => !float.IsFinite(v));
        return bad >= 0 ? $"record '{Id}': value {bad} of the vector is not a finite number" : null;
    }
}

/// <summary>A search result: the record's id, its distance to the query (smaller is closer) and its payload.</summary>
public sealed record SearchHit(string Id, float Distance, JsonObject? Payload);
