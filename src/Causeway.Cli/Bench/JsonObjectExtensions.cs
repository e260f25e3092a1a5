using System.Text.Json.Nodes;

namespace Causeway.Cli.Bench;

/// <summary>Adds fields to a report object inside an expression.</summary>
internal static class JsonObjectExtensions
{
    public static JsonObject Also(this JsonObject json, Action<JsonObject> add)
    {
        add(json);
        return json;
    }
}
