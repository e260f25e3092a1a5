using System.Text.Json.Nodes;

namespace Causeway.Vectors;

/// <summary>
/// Which records a search may return, by their payload: every condition must hold. A condition names a top-level payload
/// field and either a JSON value the field must equal, or an array of values it must equal one of:
/// <c>{"genre": "drama", "year": [1999, 2000]}</c>. A record without the field does not match.
/// </summary>
public sealed class PayloadFilter
{
    private readonly (string Field, JsonNode?[] Allowed)[] _conditions;

    private PayloadFilter((string Field, JsonNode?[] Allowed)[] conditions) => _conditions = conditions;

    /// <summary>The conditions of a JSON object, or null for none (every record matches).</summary>
    /// <exception cref="ArgumentException">A condition is an empty array.</exception>
    public static PayloadFilter? From(JsonObject? conditions)
    {
        if (conditions is null || conditions.Count == 0)
        {
            return null;
        }

        var parsed = new (string, JsonNode?[])[conditions.Count];
        var i = 0;
        foreach (var (field, value) in conditions)
        {
            JsonNode?[] allowed = value is JsonArray array ? [.. array] : [value];
            if (allowed.Length == 0)
            {
                throw new ArgumentException($"filter field '{field}': an empty list matches nothing; leave the field out instead", nameof(conditions));
            }

            parsed[i++] = (field, allowed);
        }

        return new PayloadFilter(parsed);
    }

    /// <summary>True when <paramref name="payload"/> meets every condition.</summary>
    public bool Matches(JsonObject? payload)
    {
        foreach (var (field, allowed) in _conditions)
        {
            if (payload is null || !payload.TryGetPropertyValue(field, out var value) || !allowed.Any(a => JsonNode.DeepEquals(a, value)))
            {
                return false;
            }
        }

        return true;
    }
}
