namespace Causeway.Core.Metrics;

/// <summary>
/// Classification metrics over predicted probabilities and true labels (0/1 for binary, class indices for multiclass).
/// </summary>
/// <remarks>
/// Binary decisions use the threshold p ≥ 0.5 → class 1, and a label counts as positive when it is greater than 0.5.
/// Log losses clamp probabilities to [1e−7, 1 − 1e−7] so that one confident mistake gives a large, finite loss.
/// Sums are taken in double, in index order.
/// </remarks>
public static class ClassificationMetrics
{
    /// <summary>The probability clamp used by the log losses.</summary>
    public const double ProbabilityClamp = 1e-7;

    /// <summary>The fraction of rows where (p ≥ 0.5) matches the label.</summary>
    public static double Accuracy(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        RequirePairs(probabilities.Length, labels.Length);
        var correct = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            if ((probabilities[i] >= 0.5f) == IsPositive(labels[i]))
            {
                correct++;
            }
        }

        return (double)correct / probabilities.Length;
    }

    /// <summary>Binary cross-entropy: −mean(y·log p + (1 − y)·log(1 − p)), p clamped.</summary>
    public static double LogLoss(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        RequirePairs(probabilities.Length, labels.Length);
        double sum = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var p = Math.Clamp(probabilities[i], ProbabilityClamp, 1 - ProbabilityClamp);
            double y = labels[i];
            sum -= (y * Math.Log(p)) + ((1 - y) * Math.Log(1 - p));
        }

        return sum / probabilities.Length;
    }

    /// <summary>
    /// The exact area under the ROC curve: the probability that a random positive scores above a random negative,
    /// ties counting one half. Returns NaN when only one class is present.
    /// </summary>
    /// <remarks>
    /// Computed from ranks (Mann–Whitney U): sort the scores, give tied scores their average rank, then
    /// AUC = (Σ ranks of positives − P(P + 1)/2) / (P·N). O(n log n); allocates two arrays of n.
    /// </remarks>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> labels)
    {
        RequirePairs(scores.Length, labels.Length);
        var n = scores.Length;
        var sorted = scores.ToArray();
        var positive = new bool[n];
        for (var i = 0; i < n; i++)
        {
            positive[i] = IsPositive(labels[i]);
        }

        Array.Sort(sorted, positive);
        double positiveRankSum = 0;
        long positives = 0;
        for (var start = 0; start < n;)
        {
            var end = start + 1;
            while (end < n && sorted[end].Equals(sorted[start]))
            {
                end++;
            }

            // Ranks start..end-1 (0-based) share the average 1-based rank.
            var averageRank = ((start + 1) + end) / 2.0;
            for (var i = start; i < end; i++)
            {
                if (positive[i])
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end;
        }

        var negatives = n - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / (positives * (double)negatives);
    }

    /// <summary>F1 of class 1 at threshold 0.5: 2·TP / (2·TP + FP + FN); 0 when there are no positives at all.</summary>
    public static double F1(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> labels)
    {
        RequirePairs(probabilities.Length, labels.Length);
        long truePositives = 0, falsePositives = 0, falseNegatives = 0;
        for (var i = 0; i < probabilities.Length; i++)
        {
            var predicted = probabilities[i] >= 0.5f;
            var actual = IsPositive(labels[i]);
            if (predicted && actual)
            {
                truePositives++;
            }
            else if (predicted)
            {
                falsePositives++;
            }
            else if (actual)
            {
                falseNegatives++;
            }
        }

        var denominator = (2 * truePositives) + falsePositives + falseNegatives;
        return denominator == 0 ? 0 : 2.0 * truePositives / denominator;
    }

    /// <summary>
    /// The fraction of rows whose arg-max class (the first one on ties) equals the label.
    /// <paramref name="probabilities"/> is row-major, rows x <paramref name="classes"/>.
    /// </summary>
    public static double MulticlassAccuracy(ReadOnlySpan<float> probabilities, int classes, ReadOnlySpan<float> labels)
    {
        RequireMatrix(probabilities.Length, classes, labels.Length);
        var correct = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            var row = probabilities.Slice(r * classes, classes);
            var best = 0;
            for (var k = 1; k < classes; k++)
            {
                if (row[k] > row[best])
                {
                    best = k;
                }
            }

            if (best == labels[r])
            {
                correct++;
            }
        }

        return (double)correct / labels.Length;
    }

    /// <summary>Categorical cross-entropy: −mean(log p[label]), p clamped; rows x <paramref name="classes"/> row-major.</summary>
    public static double MulticlassLogLoss(ReadOnlySpan<float> probabilities, int classes, ReadOnlySpan<float> labels)
    {
        RequireMatrix(probabilities.Length, classes, labels.Length);
        double sum = 0;
        for (var r = 0; r < labels.Length; r++)
        {
            var label = (int)labels[r];
            if (label != labels[r] || label < 0 || label >= classes)
            {
                throw new ArgumentException($"Label {labels[r]} in row {r} is not a class index in [0, {classes}).", nameof(labels));
            }

            sum -= Math.Log(Math.Clamp(probabilities[(r * classes) + label], ProbabilityClamp, 1 - ProbabilityClamp));
        }

        return sum / labels.Length;
    }

    private static bool IsPositive(float label) => label > 0.5f;

    private static void RequirePairs(int predictions, int labels)
    {
        if (predictions != labels)
        {
            throw new ArgumentException($"{predictions} predictions for {labels} labels.");
        }

        if (labels == 0)
        {
            throw new ArgumentException("A metric needs at least one example.");
        }
    }

    private static void RequireMatrix(int probabilities, int classes, int labels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (probabilities != (long)labels * classes)
        {
            throw new ArgumentException($"{labels} rows x {classes} classes needs {(long)labels * classes} probabilities, got {probabilities}.");
        }

        if (labels == 0)
        {
            throw new ArgumentException("A metric needs at least one example.");
        }
    }
}
