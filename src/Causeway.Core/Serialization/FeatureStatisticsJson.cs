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

        if (HoldsNull(statistics))
        {
            throw new InvalidDataException($"{sourceName}: the feature statistics hold a null array or a null entry.");
        }

        if (!SumsInRange(statistics))
        {
            throw new InvalidDataException($"{sourceName}: the feature statistics hold a sum beyond ±{MaxSum:G3} (or not finite).");
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

    // A party reads values within the float32 range, so its sums of squares stay far below this; the margin keeps the
    // merge of many parties' sums finite (ExactSum throws on an overflow).
    private const double MaxSum = 1e300;

    private static bool SumsInRange(FeatureStatistics s)
    {
        foreach (var sum in s.Sums.Concat(s.SumsOfSquares))
        {
            if (!sum.Partials.All(double.IsFinite))
            {
                return false;
            }

            try
            {
                if (!(Math.Abs(sum.Value) <= MaxSum))
                {
                    return false;
                }
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return true;
    }

    // System.Text.Json sets a non-nullable array property, or an array entry, to null when the text says null.
    private static bool HoldsNull(FeatureStatistics s) =>
        s.NumericColumns is null || s.Counts is null || s.Sums is null || s.SumsOfSquares is null || s.CategoricalColumns is null
        || s.CategoryCounts is null || s.HistogramColumns is null || s.Histograms is null || s.TextColumns is null || s.DocumentFrequencies is null
        || s.NumericColumns.Contains(null) || s.CategoricalColumns.Contains(null) || s.HistogramColumns.Contains(null) || s.TextColumns.Contains(null)
        || s.Sums.Any(x => x?.Partials is null) || s.SumsOfSquares.Any(x => x?.Partials is null) || s.CategoryCounts.Contains(null)
        || s.Histograms.Any(h => h?.Counts is null) || s.DocumentFrequencies.Contains(null);
}
