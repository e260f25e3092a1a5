using System.Text.Json;
using System.Text.Json.Serialization;

namespace Causeway.Federation.Vertical;

/// <summary>How vertical configs (simulations and jobs) are read: camelCase, comments and trailing commas allowed, kebab-case enums, unknown fields and null sections refused.</summary>
internal static class VerticalConfigJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,

        // A section given as null ("encryption": null) is refused with its path instead of failing later.
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };
}
