using System.Text.Json;
using Causeway.Core.Data;

namespace Causeway.Core.Serialization;

/// <summary>
/// The JSON form of <see cref="FeatureStatistics"/> (row count, per-column counts, exact sums and sums of squares,
/// category counts, and when the schema has them quantile histograms and text document frequencies), used in model
/// files, on the wire and in the run store. Statistics written before histograms and document frequencies existed
/// read with both empty.
/// </summary>
public static class FeatureStatisticsJson
{
    public static string Serialize(FeatureStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        return JsonSerializer.Serialize(statistics);
    }

    /// <param name="json">The JSON text.</param>
    /// <param name="sourceName">Names the text in error messages, e.g. "party 'h1''s join request".</param>
    /// <exception cref="InvalidDataException">The text is not valid feature statistics; the message names <paramref name="sourceName"/>.</exception>
    public static FeatureStatistics Deserialize(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        FeatureStatistics? statistics;
        try
        {
            statistics = JsonSerializer.Deserialize<FeatureStatistics>(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{sourceName}: not valid feature statistics: {e.Message}", e);
        }

        if (statistics is null)
        {
            throw new InvalidDataException($"{sourceName}: the feature statistics are null.");
        }

        if (statistics.Histograms.Any(h => h?.Counts is null) || statistics.DocumentFrequencies.Any(f => f is null))
        {
            throw new InvalidDataException($"{sourceName}: the feature statistics hold a null histogram or null document frequencies.");
        }

        if (statistics.DescribeMismatch(statistics) is { } inconsistency)
        {
            throw new InvalidDataException($"{sourceName}: inconsistent feature statistics: {inconsistency}.");
        }

        if (statistics.Rows < 0 || statistics.Counts.Any(c => c < 0 || c > statistics.Rows) || statistics.CategoryCounts.Any(k => k.Any(c => c < 0))
            || statistics.DocumentFrequencies.Any(f => f.Any(c => c < 0 || c > statistics.Rows)) || statistics.Histograms.Any(h => h.Counts.Any(c => c < 0)))
        {
            throw new InvalidDataException($"{sourceName}: the feature statistics hold negative counts or counts above the row count.");
        }

        return statistics;
    }
}
