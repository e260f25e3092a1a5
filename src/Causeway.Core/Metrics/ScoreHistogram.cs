namespace Causeway.Core.Metrics;

/// <summary>
/// How many positive and negative examples scored in each of <see cref="Bins"/> equal-width bins over [0, 1]: what a
/// party reports so that ROC AUC and F1 can be computed over the whole federation from summed counts. A mean of
/// per-party AUCs is not the AUC of the union (it ignores how one party's scores rank against another's).
/// </summary>
/// <remarks>
/// <para>
/// Bin b holds the scores s with ⌊s · B⌋ = b (s = 1 in the last bin), so with an even B the bins from B/2 up are
/// exactly the scores ≥ 0.5, the positive predictions: F1 = 2TP / (2TP + FP + FN) from the summed counts equals F1 over
/// the union.
/// </para>
/// <para>
/// AUC = (Σ_b P_b · (N_&lt;b + N_b / 2)) / (P · N): every pair of a positive and a lower-scored negative counts 1, a pair
/// in the same bin ½ (Mann–Whitney with ties). Against the exact AUC it differs only through pairs that share a bin
/// and are not tied: by at most half their share of all pairs (with 1,000 bins, typically below 10⁻³).
/// </para>
/// </remarks>
/// <param name="Positives">Positive examples per bin.</param>
/// <param name="Negatives">Negative examples per bin.</param>
public sealed record ScoreHistogram(long[] Positives, long[] Negatives)
{
    /// <summary>The bins a party's evaluation reports: 1,000.</summary>
    public const int DefaultBins = 1000;

    public int Bins => Positives.Length;

    /// <summary>Equal when every bin holds the same counts (not the same arrays), so evaluations compare by value.</summary>
    public bool Equals(ScoreHistogram? other) =>
        other is not null && Positives.AsSpan().SequenceEqual(other.Positives) && Negatives.AsSpan().SequenceEqual(other.Negatives);

    public override int GetHashCode() => HashCode.Combine(Bins, Positives.Sum(), Negatives.Sum());

    /// <summary>The histogram of <paramref name="scores"/> (probabilities of class 1) by <paramref name="labels"/> (1 positive, 0 negative).</summary>
    public static ScoreHistogram Of(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels, int bins = DefaultBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        ArgumentOutOfRangeException.ThrowIfNotEqual(labels.Length, scores.Length, nameof(labels));
        var positives = new long[bins];
        var negatives = new long[bins];
        for (var i = 0; i < scores.Length; i++)
        {
            var bin = double.IsNaN(scores[i]) ? 0 : Math.Clamp((int)Math.Floor(scores[i] * (double)bins), 0, bins - 1);
            if (labels[i] > 0.5f)
            {
                positives[bin]++;
            }
            else
            {
                negatives[bin]++;
            }
        }

        return new ScoreHistogram(positives, negatives);
    }

    /// <summary>The bin-wise sum; null when <paramref name="histograms"/> is empty or the bin counts differ.</summary>
    public static ScoreHistogram? Sum(IReadOnlyList<ScoreHistogram> histograms)
    {
        ArgumentNullException.ThrowIfNull(histograms);
        if (histograms.Count == 0 || histograms.Any(h => h.Bins != histograms[0].Bins || h.Negatives.Length != h.Bins))
        {
            return null;
        }

        var positives = new long[histograms[0].Bins];
        var negatives = new long[histograms[0].Bins];
        foreach (var histogram in histograms)
        {
            for (var b = 0; b < positives.Length; b++)
            {
                positives[b] += histogram.Positives[b];
                negatives[b] += histogram.Negatives[b];
            }
        }

        return new ScoreHistogram(positives, negatives);
    }

    /// <summary>ROC AUC as described on the type; null when a class is absent.</summary>
    public double? RocAuc()
    {
        double pairs = 0;
        long negativesBelow = 0;
        for (var b = 0; b < Bins; b++)
        {
            pairs += Positives[b] * (negativesBelow + (Negatives[b] / 2.0));
            negativesBelow += Negatives[b];
        }

        var total = (double)Positives.Sum() * negativesBelow;
        return total == 0 ? null : pairs / total;
    }

    /// <summary>F1 of class 1 at the 0.5 threshold (even bin counts only); null without positives or positive predictions.</summary>
    public double? F1()
    {
        if (Bins % 2 != 0)
        {
            return null;
        }

        long truePositives = 0, falsePositives = 0, falseNegatives = 0;
        for (var b = 0; b < Bins; b++)
        {
            if (b >= Bins / 2)
            {
                truePositives += Positives[b];
                falsePositives += Negatives[b];
            }
            else
            {
                falseNegatives += Positives[b];
            }
        }

        var denominator = (2 * truePositives) + falsePositives + falseNegatives;
        return denominator == 0 ? null : 2.0 * truePositives / denominator;
    }
}
