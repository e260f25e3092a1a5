using System.Reflection;
using System.Text.Json;

namespace Causeway.Core.Serialization;

/// <summary>
/// The fields a JSON object bound to a type accepts, and the nearest to a misspelt one: what an "unknown field" error
/// suggests instead.
/// </summary>
public static class FieldNames
{
    /// <summary>
    /// "did you mean 'x'?" for the accepted field nearest to <paramref name="unknown"/> (at most 2 edits away), else the
    /// list of accepted fields; null when the object at <paramref name="parentPath"/> cannot be found.
    /// </summary>
    /// <param name="root">The type the whole document binds to.</param>
    /// <param name="parentPath">The dotted path of the object holding the unknown field (empty for the top level); array indexes are skipped.</param>
    /// <param name="unknown">The field that was not recognised.</param>
    /// <param name="naming">How property names are spelt in JSON (camelCase when null).</param>
    public static string? Suggest(Type root, string parentPath, string unknown, JsonNamingPolicy? naming = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(parentPath);
        ArgumentNullException.ThrowIfNull(unknown);
        naming ??= JsonNamingPolicy.CamelCase;
        var type = root;
        foreach (var segment in parentPath.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = segment.Split('[')[0];
            var property = Properties(type).FirstOrDefault(p => naming.ConvertName(p.Name) == name);
            if (property is null)
            {
                return null;
            }

            type = ElementOf(property.PropertyType);
        }

        var names = Properties(type).Select(p => naming.ConvertName(p.Name)).ToList();
        if (names.Count == 0)
        {
            return null;
        }

        var nearest = names.MinBy(n => Distance(n.ToLowerInvariant(), unknown.ToLowerInvariant()))!;
        return Distance(nearest.ToLowerInvariant(), unknown.ToLowerInvariant()) <= 2
            ? $"did you mean '{nearest}'?"
            : $"the fields here are: {string.Join(", ", names)}";
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && p.GetIndexParameters().Length == 0);

    // The object type inside a list or nullable, so a path can walk through it.
    private static Type ElementOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type != typeof(string) && type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)) is { } enumerable)
        {
            return enumerable.GetGenericArguments()[0];
        }

        return type;
    }

    // Levenshtein distance.
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
