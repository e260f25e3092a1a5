using System.Globalization;
using System.Text.Json;

namespace Causeway.Coordinator.Statistics;

/// <summary>
/// A request to release a run's statistics with differential privacy: <c>{"mechanism": "laplace"|"gaussian",
/// "epsilon": ε, "delta": δ, "columns": ["age", ...]}</c>. Without <c>columns</c> every feature column is released.
/// </summary>
/// <param name="Mechanism">The noise.</param>
/// <param name="Epsilon">ε of this release, &gt; 0 (below 1 for Gaussian).</param>
/// <param name="Delta">δ of this release: 0 for Laplace, in (0, 1) for Gaussian.</param>
/// <param name="Columns">The columns to release, or null for all.</param>
internal sealed record ReleaseRequest(ReleaseMechanism Mechanism, double Epsilon, double Delta, IReadOnlyList<string>? Columns)
{
    /// <summary>
    /// Why sums and means are refused: the coordinator holds the parties' exact sums of unclamped values, so it cannot
    /// bound what one row adds to them.
    /// </summary>
    public const string NoSumsReason =
        "sums and means are not released: the coordinator holds the parties' exact sums of unclamped values, so no bound "
        + "limits what one row adds to them and no noise scale would be honest; only counts and category histograms are "
        + "released (see docs/privacy.md, Released statistics)";

    /// <summary>Parses and checks a request body; returns the request or an error message naming the field.</summary>
    public static (ReleaseRequest? Request, string? Error) Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Parse(document.RootElement);
        }
        catch (JsonException e)
        {
            return (null, $"invalid JSON: {e.Message}");
        }
    }

    private static (ReleaseRequest? Request, string? Error) Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, "the body must be a JSON object {\"mechanism\": ..., \"epsilon\": ..., \"delta\": ..., \"columns\": [...]}");
        }

        ReleaseMechanism? mechanism = null;
        double? epsilon = null;
        var delta = 0.0;
        List<string>? columns = null;
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "mechanism":
                    mechanism = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() switch
                    {
                        "laplace" => ReleaseMechanism.Laplace,
                        "gaussian" => ReleaseMechanism.Gaussian,
                        _ => null,
                    } : null;
                    if (mechanism is null)
                    {
                        return (null, $"mechanism must be \"laplace\" or \"gaussian\", not {property.Value.GetRawText()}");
                    }

                    break;
                case "epsilon":
                    if (!property.Value.TryGetDouble(out var e) || !(e > 0) || !double.IsFinite(e))
                    {
                        return (null, $"epsilon must be a positive number, not {property.Value.GetRawText()}");
                    }

                    epsilon = e;
                    break;
                case "delta":
                    if (!property.Value.TryGetDouble(out delta) || !(delta is >= 0 and < 1))
                    {
                        return (null, $"delta must be a number in [0, 1), not {property.Value.GetRawText()}");
                    }

                    break;
                case "columns":
                    if (property.Value.ValueKind != JsonValueKind.Array || property.Value.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
                    {
                        return (null, "columns must be an array of column names");
                    }

                    columns = [.. property.Value.EnumerateArray().Select(c => c.GetString()!)];
                    break;
                case "bounds" or "sums" or "means":
                    return (null, NoSumsReason);
                default:
                    return (null, $"unknown field '{property.Name}'; expected mechanism, epsilon, delta, columns");
            }
        }

        if (epsilon is not { } eps)
        {
            return (null, "epsilon is required");
        }

        var chosen = mechanism ?? ReleaseMechanism.Laplace;
        if (chosen == ReleaseMechanism.Laplace && delta != 0)
        {
            return (null, "the Laplace mechanism has delta = 0; leave delta out or choose \"gaussian\"");
        }

        if (chosen == ReleaseMechanism.Gaussian && !(eps < 1 && delta > 0))
        {
            return (null, string.Create(
                CultureInfo.InvariantCulture,
                $"the Gaussian mechanism's calibration holds for epsilon in (0, 1) and delta in (0, 1); got epsilon {eps}, delta {delta}"));
        }

        if (columns is { Count: 0 })
        {
            return (null, "columns is empty; leave it out to release every column");
        }

        return (new ReleaseRequest(chosen, eps, delta, columns), null);
    }
}
